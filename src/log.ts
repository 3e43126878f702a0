import pino, { type Logger } from 'pino';

export type { Logger };

/** Counts kept instead of log lines (no labels: nothing may count anonymous events apart). */
export const counters = { feedbackFormPosts: 0 };

/**
 * One JSON line per request or job run. Never log tokens, decrypted bodies or the
 * sender / text of anonymous feedback: callers pass ids and outcomes only. Errors go under
 * `err` and pass through safeError, so no query parameter ever reaches a log line.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'duban' },
      redact: {
        paths: ['token', 'encrypt', 'body', 'authorization', '*.token', '*.authorization'],
        remove: true,
      },
      serializers: { err: safeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      // On Workers the bundler picks pino's browser build, which applies `redact` only in object
      // mode and does not print JSON lines by itself: write each object as one JSON line.
      browser: {
        asObject: true,
        serialize: true,
        write: (o: object) => console.log(JSON.stringify(o)),
      },
    },
    destination,
  );
}

interface DbErrorFields {
  code?: unknown;
  query?: unknown;
  cause?: unknown;
  table_name?: unknown;
  table?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
  routine?: unknown;
}

/** A PostgreSQL SQLSTATE: five digits or capitals. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** "insert into outbox (…" → "insert outbox": the statement's kind and table, never its values. */
export function statementName(query: string): string | undefined {
  const verb = /^\s*(\w+)/.exec(query)?.[1]?.toLowerCase();
  if (!verb) return undefined;
  const table = /\b(?:into|update|from)\s+"?([A-Za-z_][\w]*)"?/i.exec(query)?.[1];
  return table ? `${verb} ${table}` : verb;
}

/**
 * An error as it may be logged. A database error keeps its SQL state, statement name, table,
 * constraint and routine, and nothing else: drizzle's message embeds the query's parameters
 * (a receiver's open_id, a receipt code, a ballot's choice) and PostgreSQL's own message can
 * quote a value. Other errors keep their message (cut before any `params:`) and the stack frames.
 */
export function safeError(e: unknown): Record<string, unknown> {
  if (typeof e === 'string') return { message: cutParams(e) };
  if (!(e instanceof Error)) return { message: String(e) };
  let query: string | undefined;
  for (let c: unknown = e, depth = 0; c && depth < 4; depth++) {
    const f = c as DbErrorFields;
    if (typeof f.query === 'string') query ??= f.query;
    if (typeof f.code === 'string' && SQLSTATE.test(f.code)) {
      return clean({
        type: 'database',
        sqlState: f.code,
        statement: query ? statementName(query) : undefined,
        table: f.table_name ?? f.table,
        constraint: f.constraint_name ?? f.constraint,
        routine: f.routine,
      });
    }
    c = f.cause;
  }
  if (query !== undefined)
    return clean({ type: 'database', statement: statementName(query), cause: causeName(e) });
  return clean({ type: e.name, message: cutParams(e.message), frames: frames(e.stack) });
}

function cutParams(s: string): string {
  const i = s.search(/\bparams:/);
  return (i >= 0 ? s.slice(0, i) : s).slice(0, 500);
}

function causeName(e: Error): string | undefined {
  return e.cause instanceof Error ? e.cause.name : undefined;
}

/** The stack without its first line (the message, which may carry values). */
function frames(stack: string | undefined): string | undefined {
  return stack
    ?.split('\n')
    .filter((l) => /^\s+at /.test(l))
    .join('\n');
}

function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

/** The safe form of an error as one line, for storing (outbox and job rows) or showing. */
export function errorText(e: unknown): string {
  const s = safeError(e);
  if (s.type === 'database')
    return ['database error', s.sqlState, s.statement, s.constraint].filter(Boolean).join(' ');
  return String(s.message ?? s.type ?? 'error');
}

import { z } from 'zod';
import type { DeliveryOutcome } from '../lark/messenger.js';

/**
 * What a failed attempt tells about Lark having the message:
 * - unreached: surely not accepted (connection refused, 429, a 5xx or error code Lark answered);
 * - maybe: it may have arrived (timeout after sending, reset mid-response, anything unknown);
 * - refused: a permanent refusal.
 * After the one-hour dedup window a row is re-sent under a new uuid; if any attempt was `maybe`,
 * the re-send is marked 重发 (docs/decisions/0007-outbox-recovery.md).
 */
export type AttemptKind = 'unreached' | 'maybe' | 'refused';

const NEVER_CONNECTED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|status code 5\d\d/;

export function attemptKind(o: Exclude<DeliveryOutcome, { ok: true }>): AttemptKind {
  if (!o.retry) return 'refused';
  if (o.waitMs !== undefined || o.code !== undefined) return 'unreached';
  return NEVER_CONNECTED.test(o.error) ? 'unreached' : 'maybe';
}

/** One entry of outbox.attempt_log, written after each failed attempt. */
export interface AttemptEntry {
  at: string;
  kind: AttemptKind;
  code?: number;
}

/** Read back for its times only: an entry's other fields never stop a row from being given up. */
const LoggedTimes = z.array(z.looseObject({ at: z.string() }));

/** When the first failed attempt was (epoch ms), or NaN when none is logged (or the log is unreadable). */
export function firstFailureAt(log: unknown): number {
  const parsed = LoggedTimes.safeParse(log);
  return Date.parse((parsed.success && parsed.data[0]?.at) || '');
}

export const RESEND_MARK = '【重发】';

/** A JSON object (not an array, not null); other keys kept as they are. */
const JsonObject = z.record(z.string(), z.unknown());
const CardBody = z.looseObject({ elements: z.array(z.unknown()).optional() });

function parseObject(content: string): Record<string, unknown> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return undefined;
  }
  const parsed = JsonObject.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Marks a message's content as a re-send, so a rare duplicate is visibly one. */
export function markResend(msgType: string, content: string): string {
  const c = parseObject(content);
  if (!c) return content;
  if (msgType === 'text' && typeof c.text === 'string')
    return JSON.stringify({ ...c, text: `${RESEND_MARK}\n${c.text}` });
  if (msgType === 'interactive') {
    const tag = { tag: 'text_tag', text: { tag: 'plain_text', content: '重发' }, color: 'orange' };
    const header = JsonObject.safeParse(c.header);
    if (header.success) {
      const h = header.data;
      const tags = Array.isArray(h.text_tag_list) ? h.text_tag_list : [];
      return JSON.stringify({ ...c, header: { ...h, text_tag_list: [tag, ...tags].slice(0, 3) } });
    }
    const body = CardBody.safeParse(c.body ?? {});
    if (!body.success) return content;
    const elements = [{ tag: 'markdown', content: `**${RESEND_MARK}**` }, ...(body.data.elements ?? [])];
    return JSON.stringify({ ...c, body: { ...body.data, elements } });
  }
  if (msgType === 'post') {
    const out: Record<string, unknown> = {};
    for (const [lang, v] of Object.entries(c)) {
      const p = JsonObject.safeParse(v);
      out[lang] = p.success ? { ...p.data, title: `${RESEND_MARK}${p.data.title ?? ''}` } : v;
    }
    return JSON.stringify(out);
  }
  return content;
}

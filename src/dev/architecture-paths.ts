import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Writes docs/architecture-paths.md from the code itself: for each chat command, button and job,
 * the files an event passes, in order (transport, the services it calls, the cards it renders).
 * `npm run docs:paths` rewrites it; test/dev/architecture-paths.test.ts fails when it is stale.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rel = (abs: string) => relative(ROOT, abs).split('\\').join('/');

/** The relative imports of one file, in the order they are written, resolved to repository paths. */
export function importsOf(file: string): { names: string[]; from: string }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: { names: string[]; from: string }[] = [];
  const re = /import\s+(type\s+)?([\s\S]*?)\s+from\s+'(\.[^']+)'/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1]) continue; // types carry no behaviour
    const target = resolveModule(join(ROOT, dirname(file)), m[3]!);
    if (!target) continue;
    const names = [...m[2]!.matchAll(/[A-Za-z_$][\w$]*/g)]
      .map((x) => x[0])
      .filter((n) => n !== 'type' && n !== 'as');
    out.push({ names, from: target });
  }
  return out;
}

function resolveModule(dir: string, spec: string): string | undefined {
  const base = resolve(dir, spec).replace(/\.js$/, '');
  for (const ext of ['.ts', '.tsx', '/index.ts']) if (existsSync(base + ext)) return rel(base + ext);
  return undefined;
}

const isStep = (f: string) =>
  f.startsWith('src/services/') || f.startsWith('src/documents/') || f.startsWith('cards/');
const layerRank = (f: string) => (f.startsWith('cards/') ? 2 : f.startsWith('src/documents/') ? 1 : 0);

/** From a transport file: the services and documents it calls, then the cards rendered on the way. */
export function pathFrom(file: string, only?: Set<string>): string[] {
  const direct = importsOf(file)
    .filter((i) => isStep(i.from) && (!only || i.names.some((n) => only.has(n))))
    .map((i) => i.from);
  const seen = new Set<string>();
  const steps: string[] = [];
  const add = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    steps.push(f);
  };
  for (const f of direct) add(f);
  // One level further: what those services call in turn (other services, documents, cards).
  for (const f of direct.filter((d) => !d.startsWith('cards/'))) {
    for (const i of importsOf(f)) if (isStep(i.from)) add(i.from);
  }
  return steps.sort((a, b) => layerRank(a) - layerRank(b) || steps.indexOf(a) - steps.indexOf(b));
}

const arrow = (files: string[]) => files.map((f) => `\`${f}\``).join(' → ');
const listTs = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.tsx?$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);

async function commandRows(): Promise<string[]> {
  const rows: string[] = [];
  for (const file of listTs('src/chat/commands').filter((f) => !f.endsWith('/index.ts'))) {
    const mod = (await import(join(ROOT, file))) as Record<string, unknown>;
    const names = Object.values(mod)
      .map((v) => (typeof v === 'function' ? safeCall(v) : v))
      .filter(
        (v): v is { names: string[] } =>
          !!v && typeof v === 'object' && Array.isArray((v as { names?: unknown }).names),
      )
      .map((c) => `/${c.names[0]}`)
      .sort();
    if (names.length) rows.push(`| ${names.join(' ')} | ${arrow([file, ...pathFrom(file)])} |`);
  }
  return rows;
}

function safeCall(f: unknown): unknown {
  try {
    return (f as (x: () => never[]) => unknown)(() => []);
  } catch {
    return undefined;
  }
}

async function buttonRows(): Promise<string[]> {
  const rows: string[] = [];
  for (const file of listTs('src/actions').filter((f) => !/\/(index|context)\.ts$/.test(f))) {
    const mod = (await import(join(ROOT, file))) as Record<string, unknown>;
    const names = Object.entries(mod)
      .filter(([k, v]) => k.endsWith('Actions') && v && typeof v === 'object')
      .flatMap(([, v]) => Object.keys(v as object))
      .sort();
    if (names.length)
      rows.push(`| ${names.map((n) => `\`${n}\``).join(', ')} | ${arrow([file, ...pathFrom(file)])} |`);
  }
  return rows;
}

/** Jobs: each entry of JOBS in src/jobs/index.ts, with the imports its own lines use. */
function jobRows(): string[] {
  const file = 'src/jobs/index.ts';
  const text = readFileSync(join(ROOT, file), 'utf8');
  const list = text.slice(text.indexOf('export const JOBS'));
  const blocks = list.split(/\n\s*\{\n/).slice(1);
  const imports = importsOf(file);
  const rows: string[] = [];
  for (const block of blocks) {
    const name = /name:\s*'([^']+)'/.exec(block)?.[1];
    if (!name) continue;
    const used = new Set(imports.flatMap((i) => i.names).filter((n) => new RegExp(`\\b${n}\\b`).test(block)));
    if (/createJobQueue/.test(block)) for (const n of queueHandlers(text)) used.add(n);
    const outbox = /dispatcher\./.test(block) ? ['src/outbox/dispatcher.ts'] : [];
    const own = imports.filter((i) => !isStep(i.from) && i.names.some((n) => used.has(n))).map((i) => i.from);
    const steps = [
      ...new Set([...outbox, ...own.filter((f) => !f.startsWith('src/jobs/')), ...pathFrom(file, used)]),
    ];
    rows.push(`| \`${name}\` | ${arrow([file, ...steps])} |`);
  }
  return rows;
}

/** The names the queue's handlers (createJobQueue) use: the jobs-table work, evidence and imports. */
function queueHandlers(text: string): string[] {
  const body = text.slice(
    text.indexOf('export function createJobQueue'),
    text.indexOf('export interface JobSpec'),
  );
  return [...body.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0]);
}

export async function renderPaths(): Promise<string> {
  const head = [
    '# Paths through the code',
    '',
    'Generated from the imports by `npm run docs:paths` (src/dev/architecture-paths.ts); a test fails when',
    'it is stale. See architecture.md for the layers. Each row lists, in order, the files an event passes:',
    'the transport, the services (and documents) it calls and theirs, then the cards rendered.',
    'All chat commands enter through `src/http/lark-events.ts` or `src/lark/long-connection.ts`, then',
    '`src/http/handle-envelope.ts`, `src/services/intake.ts` and `src/chat/handle-message.ts`; all buttons',
    'through `src/http/lark-cards.ts` and `src/http/card-action.ts`, then `src/actions/index.ts`; every',
    'outgoing message leaves through `src/outbox/dispatcher.ts` and `src/lark/messenger.ts`.',
  ];
  return [
    ...head,
    '',
    '## Chat commands',
    '',
    '| command | files after `src/chat/handle-message.ts` |',
    '|---|---|',
    ...(await commandRows()),
    '',
    '## Buttons',
    '',
    '| actions | files after `src/actions/index.ts` |',
    '|---|---|',
    ...(await buttonRows()),
    '',
    '## Jobs',
    '',
    '| job | files |',
    '|---|---|',
    ...jobRows(),
    '',
  ].join('\n');
}

export const PATHS_FILE = join(ROOT, 'docs/architecture-paths.md');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(PATHS_FILE, await renderPaths());
  console.log(`wrote ${rel(PATHS_FILE)}`);
}

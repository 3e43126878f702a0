/** The bench's server processes (bench/server.ts) and its autocannon load, shared by run.ts and pair.ts. */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type postgres from 'postgres';
import type { BenchEvent } from './events.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Hands out events in order; every request of every connection gets the next unused one. */
export class EventFeed {
  next = 0;
  wrapped = false;
  constructor(readonly events: BenchEvent[]) {}
  take(): BenchEvent {
    if (this.next >= this.events.length) {
      this.next = 0;
      this.wrapped = true;
    }
    return this.events[this.next++]!;
  }
}

export interface ServerOptions {
  profile?: boolean;
  /** Extra flags for bench/server.ts (--dispatch, --dispatch-loop). */
  flags?: string[];
  log?: string;
  env?: Record<string, string>;
}

export function startServer(
  mode: string,
  url: string,
  o: ServerOptions = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(o.profile ? ['--cpu-prof', '--cpu-prof-dir', join(here, 'results', 'profiles')] : []),
      '--import',
      'tsx',
      join(here, 'server.ts'),
      mode,
      url,
      ...(o.flags ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_LOG_LEVEL: o.log ?? 'silent', ...o.env },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start within 60 s`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (ready) return; // anything after READY (logs) is read and dropped
      out += b.toString();
      const m = /^READY (.*)$/m.exec(out);
      if (m) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(m[1]!) as { url: string }).url });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} server exited with ${code} before it was ready`));
    });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = performance.now();
  child.kill('SIGTERM');
  // With --dispatch, a graceful stop waits for the dispatcher to drain its backlog at Lark's pace.
  let killed = false;
  const t = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(t);
  const ms = performance.now() - started;
  if (killed || ms > 2000) {
    console.log(
      `  note: the server took ${(ms / 1000).toFixed(1)} s to stop${killed ? ' and was killed' : ''}`,
    );
  }
}

/** One autocannon run; `acked` collects the event ids that were answered 2xx. */
export async function load(
  url: string,
  path: string,
  seconds: number,
  feed: EventFeed,
  connections: number,
  acked?: string[],
) {
  return autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req, context) => {
          const ev = feed.take();
          (context as { eventId?: string }).eventId = ev.eventId;
          return { ...req, method: 'POST', path, headers: ev.headers, body: ev.body };
        },
        onResponse: (status, _body, context) => {
          // pipelining 1: the context still names the event this response answers.
          if (acked && status >= 200 && status < 300) acked.push((context as { eventId: string }).eventId);
        },
      },
    ],
  });
}

/** Waits until processed_events stops growing (the server has finished what was in flight). */
export async function settle(db: postgres.Sql): Promise<void> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const [{ n }] = (await db`select count(*)::int as n from processed_events`) as unknown as [{ n: number }];
    if (n === last) return;
    last = n;
    await new Promise((r) => setTimeout(r, 200));
  }
}

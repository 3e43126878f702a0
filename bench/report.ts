/** What bench/run.ts measured per HTTP run, its goals, and the table it prints. */
import type autocannon from 'autocannon';
import type { verifyClicks } from './click.js';
import type { cpuPerRequest } from './cpu.js';
import type { sampleMemory } from './rss.js';

export type Mode = 'duban' | 'click' | 'prep' | 'raw7' | 'lean' | 'tx' | 'hono';

export const GOAL = {
  eventsPerSecond: 1500,
  p99Ms: 100,
  clickRatio: 0.5,
  clickP99Ms: 150,
  rssMb: 200,
  sweepMs: 10_000,
  digestMs: 2_000,
  scoresMs: 2_000,
  trendMs: 2_000,
};

export interface Measured {
  name: string;
  mode: Mode;
  reqPerSec: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  seconds: number;
  /** CPU milliseconds per answered request: server process, PostgreSQL, load generator, whole machine. */
  cpuPerRequest: ReturnType<typeof cpuPerRequest>;
  /** The server process's RSS during and right after the measured load (MB). */
  memory?: ReturnType<ReturnType<typeof sampleMemory>['stop']> & { idleRssMb?: number };
}

export function summarize(
  name: string,
  mode: Mode,
  r: autocannon.Result,
  cpu: Measured['cpuPerRequest'],
): Measured {
  return {
    cpuPerRequest: cpu,
    name,
    mode,
    reqPerSec: r['2xx'] / r.duration,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    max: r.latency.max,
    seconds: r.duration,
  };
}

export interface HttpOutcome {
  results: Measured[];
  verification?: Record<string, unknown>;
  clicks?: Awaited<ReturnType<typeof verifyClicks>>;
  events: number;
}

/** The table of HTTP runs and each goal's verdict. */
export function printGoals(results: Measured[], http?: HttpOutcome): Record<string, boolean> {
  const goal: Record<string, boolean> = {};
  if (!results.length) return goal;
  const ours = results.find((r) => r.mode === 'duban');
  const anchor = results.find((r) => r.mode === 'tx');
  const row = (cells: (string | number)[]) =>
    cells.map((c, i) => (i === 0 ? String(c).padEnd(26) : String(c).padStart(8))).join('');
  console.log(
    `\n${row(['name', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB', 'ratio', '÷anchor'])}   ` +
      '(ratio = duban intake req/s ÷ this; ÷anchor = this ÷ the 3-statement tx)',
  );
  for (const r of results) {
    const ratio = ours ? (ours.reqPerSec / r.reqPerSec).toFixed(2) : '-';
    const ofAnchor = anchor ? (r.reqPerSec / anchor.reqPerSec).toFixed(2) : '-';
    console.log(
      row([r.name, Math.round(r.reqPerSec), r.p50, r.p99, r.memory?.maxRssDuringMb ?? '-', ratio, ofAnchor]),
    );
  }
  if (ours) {
    goal.eventsPerSecond = ours.reqPerSec >= GOAL.eventsPerSecond;
    goal.p99 = ours.p99 <= GOAL.p99Ms;
    goal.commitBeforeAnswer = http?.verification?.commitBeforeAnswer === true;
    console.log(
      `\nintake goal ≥ ${GOAL.eventsPerSecond} events/s, p99 ≤ ${GOAL.p99Ms} ms, commit-before-answer: ` +
        `${goal.eventsPerSecond && goal.p99 && goal.commitBeforeAnswer ? 'MET' : 'NOT MET'} ` +
        `(${Math.round(ours.reqPerSec)} events/s, p99 ${ours.p99} ms)`,
    );
    const peak = Math.max(ours.memory?.maxRssDuringMb ?? 0, ours.memory?.peakHwmMb ?? 0);
    goal.rss = peak > 0 && peak < GOAL.rssMb;
    console.log(
      `service RSS under the intake load < ${GOAL.rssMb} MB: ${goal.rss ? 'MET' : 'NOT MET'} ` +
        `(idle after start ${ours.memory?.idleRssMb} MB, max sampled under load ${ours.memory?.maxRssDuringMb} MB, ` +
        `peak VmHWM ${ours.memory?.peakHwmMb} MB, ` +
        `${ours.memory?.afterRssMb} MB right after)`,
    );
  }
  const click = results.find((r) => r.mode === 'click');
  if (click) {
    const ratio = anchor ? click.reqPerSec / anchor.reqPerSec : undefined;
    goal.clickRatio = ratio !== undefined && ratio >= GOAL.clickRatio;
    goal.clickP99 = click.p99 <= GOAL.clickP99Ms;
    goal.clicksKept = http?.clicks?.ok === true;
    console.log(
      `click goal ≥ ${GOAL.clickRatio} × the anchor, p99 ≤ ${GOAL.clickP99Ms} ms, every 2xx kept: ` +
        `${goal.clickRatio && goal.clickP99 && goal.clicksKept ? 'MET' : 'NOT MET'} ` +
        `(${Math.round(click.reqPerSec)} clicks/s = ${ratio?.toFixed(2) ?? '? (run tx too)'} × anchor, p99 ${click.p99} ms)`,
    );
  }
  return goal;
}

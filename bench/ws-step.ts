/**
 * Intake through the long connection as a ratio of webhook intake: bench/long-connection.ts in its
 * own process on PostgreSQL (it runs service and load in one process, both transports alike).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface LongConnectionResult {
  webhookPerSecond?: number;
  longConnectionPerSecond?: number;
  ratio?: number;
  output: string;
}

export async function runLongConnection(adminUrl: string, events = 3000): Promise<LongConnectionResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'long-connection.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BENCH_DATABASE_URL: adminUrl, BENCH_EVENTS: String(events) },
  });
  let output = '';
  const collect = (b: Buffer) => {
    output += b.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const m = /webhook (\d+) events\/s, long connection (\d+) events\/s, ratio ([\d.]+)/.exec(output);
  const result: LongConnectionResult = m
    ? { webhookPerSecond: Number(m[1]), longConnectionPerSecond: Number(m[2]), ratio: Number(m[3]), output }
    : { output };
  if (m)
    console.log(
      `\nlong connection (${events} events, 40 concurrent, service and load in one process): ` +
        `webhook ${m[1]} events/s, long connection ${m[2]} events/s, ratio ${m[3]}`,
    );
  else console.error(`\nlong-connection bench failed (exit ${code}):\n${output.slice(-2000)}`);
  return result;
}

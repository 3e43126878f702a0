import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The tsx binary that `npm start` uses, for tests that run the real entry as a process. */
export const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

/** This process's environment without what would point a child at the wrong Lark or database. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(LARK_|DATABASE_URL$|PORT$|HOST$|ALLOW_UNSIGNED$|APP_SECRET_KEY$|DATA_DIR$)/.test(k)) delete env[k];
  return env;
}

export interface StartedNode {
  child: ChildProcess;
  url: string;
  /** When its "started" line (with the URL) appeared. */
  ready: number;
  out(): string;
}

/**
 * Starts `src/entry/node.ts` with `env` over a clean environment and resolves once it logs its URL.
 * The child is pushed to `children` for the caller's afterAll. PGlite's first start (create and
 * migrate) takes long on a loaded machine, hence the generous default.
 */
export function startNode(
  env: Record<string, string>,
  children: ChildProcess[],
  timeoutMs = 100_000,
): Promise<StartedNode> {
  const child = spawn(tsx, ['src/entry/node.ts'], {
    env: { ...cleanEnv(), PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the service in a child node, and a crash is simulated by
    // killing both, as systemd or a container runtime does (see killGroup).
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise<StartedNode>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no start line:\n${out}`)), timeoutMs);
    child.stdout!.on('data', () => {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ child, url: m[1]!, ready: Date.now(), out: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

/**
 * Signals the child's whole process group. A SIGKILL sent to tsx alone leaves the service's node
 * running as an orphan (SIGKILL cannot be relayed), which is not the crash a test means to make.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time spent by the server process, by PostgreSQL (all its processes) and by this process
 * (the load generator), read from /proc on Linux. Divided by the requests served, it tells which
 * of the three the two cores were busy with. Elsewhere every figure is undefined.
 */
export interface CpuSnapshot {
  serverMs?: number;
  postgresMs?: number;
  loadGenMs: number;
  /** All CPUs, busy (non-idle) time. */
  machineBusyMs?: number;
}

const TICK_MS = 10; // CLK_TCK 100 on Linux

function procCpuMs(pid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" of comm: state is field 3; utime, stime are fields 14, 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

function postgresMs(): number | undefined {
  try {
    let sum = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      } catch {
        continue;
      }
      sum += procCpuMs(pid) ?? 0;
    }
    return sum;
  } catch {
    return undefined;
  }
}

function machineBusyMs(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
    return (cpu.reduce((a, b) => a + b, 0) - idle) * TICK_MS;
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  const u = process.cpuUsage();
  return {
    serverMs: serverPid ? procCpuMs(serverPid) : undefined,
    postgresMs: postgresMs(),
    loadGenMs: (u.user + u.system) / 1000,
    machineBusyMs: machineBusyMs(),
  };
}

/** CPU milliseconds per request of each party between two snapshots; undefined where unknown. */
export function cpuPerRequest(a: CpuSnapshot, b: CpuSnapshot, requests: number) {
  const per = (x?: number, y?: number) =>
    x === undefined || y === undefined || requests === 0
      ? undefined
      : Math.round(((y - x) / requests) * 1000) / 1000;
  const serverMs = per(a.serverMs, b.serverMs);
  const postgresMs = per(a.postgresMs, b.postgresMs);
  const loadGenMs = per(a.loadGenMs, b.loadGenMs);
  const machineBusyMs = per(a.machineBusyMs, b.machineBusyMs);
  // Whatever else ran meanwhile (kernel softirq for loopback, other people's tests, …).
  const otherMs =
    machineBusyMs === undefined ||
    serverMs === undefined ||
    postgresMs === undefined ||
    loadGenMs === undefined
      ? undefined
      : Math.round((machineBusyMs - serverMs - postgresMs - loadGenMs) * 1000) / 1000;
  return { serverMs, postgresMs, loadGenMs, otherMs, machineBusyMs };
}

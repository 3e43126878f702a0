import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (peak RSS) of a process in MB, from /proc (Linux); undefined elsewhere. */
export function memoryOf(pid: number | undefined): { rssMb: number; hwmMb: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, hwmMb: Math.round(kb('VmHWM') / 102.4) / 10 };
  } catch {
    return undefined;
  }
}

/** Samples the server's RSS while a load runs; stop() gives the largest sample and the kernel's peak. */
export function sampleMemory(pid: number | undefined, everyMs = 250) {
  let maxRssMb = 0;
  const take = () => {
    const m = memoryOf(pid);
    if (m && m.rssMb > maxRssMb) maxRssMb = m.rssMb;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const now = memoryOf(pid);
      return { maxRssDuringMb: maxRssMb, afterRssMb: now?.rssMb, peakHwmMb: now?.hwmMb };
    },
  };
}

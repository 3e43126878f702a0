/**
 * Lark's pace (docs/lark.md §5): 5 messages/s to one user or group, 50/s and 1,000/min per app.
 * A sliding-window limiter: reserve() books the earliest slot that keeps every window under
 * its limit and returns how long to wait for it. Per process; the dispatcher's authority is the
 * shared limiter in PostgreSQL (shared-rate.ts), which takes its limits from here.
 */
export interface RateLimits {
  perKeyPerSecond: number;
  perSecond: number;
  perMinute: number;
}

export const LARK_LIMITS: RateLimits = { perKeyPerSecond: 5, perSecond: 50, perMinute: 1000 };

export class RateLimiter {
  private global: number[] = [];
  private perKey = new Map<string, number[]>();
  constructor(
    readonly limits: RateLimits = LARK_LIMITS,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Books a slot for key and returns the milliseconds to wait before using it. */
  reserve(key: string): number {
    const now = this.clock();
    const keyTimes = this.perKey.get(key) ?? [];
    this.prune(keyTimes, now - 1000);
    this.prune(this.global, now - 60_000);
    let at = now;
    // Each window: if full, the slot opens when the oldest booking inside it leaves.
    for (;;) {
      const inKey = keyTimes.filter((t) => t > at - 1000);
      const inSec = this.global.filter((t) => t > at - 1000);
      const inMin = this.global.filter((t) => t > at - 60_000);
      let next = at;
      if (inKey.length >= this.limits.perKeyPerSecond)
        next = Math.max(next, inKey[inKey.length - this.limits.perKeyPerSecond]! + 1000);
      if (inSec.length >= this.limits.perSecond)
        next = Math.max(next, inSec[inSec.length - this.limits.perSecond]! + 1000);
      if (inMin.length >= this.limits.perMinute)
        next = Math.max(next, inMin[inMin.length - this.limits.perMinute]! + 60_000);
      if (next === at) break;
      at = next;
    }
    insertSorted(keyTimes, at);
    insertSorted(this.global, at);
    this.perKey.set(key, keyTimes);
    if (this.perKey.size > 10_000) this.sweep(now);
    return at - now;
  }

  private prune(times: number[], before: number) {
    while (times.length && times[0]! <= before) times.shift();
  }

  private sweep(now: number) {
    for (const [k, v] of this.perKey) if (!v.length || v[v.length - 1]! <= now - 1000) this.perKey.delete(k);
  }
}

function insertSorted(arr: number[], v: number) {
  let i = arr.length;
  while (i > 0 && arr[i - 1]! > v) i--;
  arr.splice(i, 0, v);
}

/**
 * The earliest time >= now at which one more send keeps the key's window (secMs) and the app's
 * windows (secMs, minMs) under their limits. Times need not be sorted.
 */
export function earliestSlot(
  keyTimes: number[],
  appTimes: number[],
  now: number,
  limits: RateLimits,
  secMs = 1000,
  minMs = 60_000,
): number {
  const k = [...keyTimes].sort((a, b) => a - b);
  const g = [...appTimes].sort((a, b) => a - b);
  let at = now;
  for (;;) {
    const inKey = k.filter((t) => t > at - secMs);
    const inSec = g.filter((t) => t > at - secMs);
    const inMin = g.filter((t) => t > at - minMs);
    let next = at;
    if (inKey.length >= limits.perKeyPerSecond)
      next = Math.max(next, inKey[inKey.length - limits.perKeyPerSecond]! + secMs);
    if (inSec.length >= limits.perSecond)
      next = Math.max(next, inSec[inSec.length - limits.perSecond]! + secMs);
    if (inMin.length >= limits.perMinute)
      next = Math.max(next, inMin[inMin.length - limits.perMinute]! + minMs);
    if (next === at) return at;
    at = next;
  }
}

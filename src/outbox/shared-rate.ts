import { and, eq, gt, lt, or } from 'drizzle-orm';
import { sendSlotLock, sendSlots } from '../../db/schema/index.js';
import type { Db } from '../db.js';
import { earliestSlot, LARK_LIMITS, type RateLimits } from './rate-limit.js';

const APP = '*';

/**
 * Lark's send limits shared by every instance on one database: each send books a slot in
 * `send_slots` (one row for its receiver, one for the app) in a short transaction serialized by a
 * row lock, and waits for it. The in-process limiter can only see its own sends; this one sees all
 * (docs/decisions/0007-outbox-recovery.md). Clocks of the instances are assumed in step (NTP).
 */
export class SharedRateLimiter {
  private booked = 0;
  constructor(
    private readonly db: Db,
    readonly limits: RateLimits = LARK_LIMITS,
    private readonly clock: () => number = () => Date.now(),
    /** Added to each window: Lark counts arrivals, and two sends' latencies differ. */
    private readonly marginMs = 50,
  ) {}

  /** Books the earliest slot for key that keeps every window under its limit; returns ms to wait. */
  async reserve(key: string | null): Promise<number> {
    const sec = 1000 + this.marginMs;
    const min = 60_000 + this.marginMs;
    return this.db.transaction(async (tx) => {
      await tx
        .insert(sendSlotLock)
        .values({ id: 1 })
        .onConflictDoUpdate({ target: sendSlotLock.id, set: { id: 1 } });
      const now = this.clock();
      const rows = await tx
        .select({ key: sendSlots.key, at: sendSlots.at })
        .from(sendSlots)
        .where(
          or(
            and(eq(sendSlots.key, key ?? APP), gt(sendSlots.at, now - sec)),
            and(eq(sendSlots.key, APP), gt(sendSlots.at, now - min)),
          ),
        );
      const keyTimes = key === null ? [] : rows.filter((r) => r.key === key).map((r) => r.at);
      const appTimes = rows.filter((r) => r.key === APP).map((r) => r.at);
      const at = earliestSlot(keyTimes, appTimes, now, this.limits, sec, min);
      await tx.insert(sendSlots).values(
        key === null
          ? [{ key: APP, at }]
          : [
              { key, at },
              { key: APP, at },
            ],
      );
      if (++this.booked % 200 === 1) await tx.delete(sendSlots).where(lt(sendSlots.at, now - 2 * min));
      return at - now;
    });
  }
}

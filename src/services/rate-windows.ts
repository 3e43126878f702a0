import { and, eq, lt, sql } from 'drizzle-orm';
import { rateWindows } from '../../db/schema/index.js';
import type { Conn } from '../db.js';

/**
 * App-wide counters in fixed windows, in the database so every instance shares them. Never per
 * IP or per person: we keep neither. A refused request does not count, so a cap lifts as soon
 * as its window ends.
 */
const windowOf = (now: Date, windowMs: number) => new Date(Math.floor(now.getTime() / windowMs) * windowMs);

/** A counter: its name, the length of its windows and how many hits one window holds. */
export interface RateWindow {
  scope: string;
  windowMs: number;
  cap: number;
}

/** Counts one hit if the window has room; false when `cap` hits are already in it. */
export async function takeHit(conn: Conn, w: RateWindow, now: Date): Promise<boolean> {
  const { scope, windowMs, cap } = w;
  const start = windowOf(now, windowMs);
  await conn.delete(rateWindows).where(and(eq(rateWindows.scope, scope), lt(rateWindows.windowStart, start)));
  const got = await conn
    .insert(rateWindows)
    .values({ scope, windowStart: start, hits: 1 })
    .onConflictDoUpdate({
      target: [rateWindows.scope, rateWindows.windowStart],
      set: { hits: sql`${rateWindows.hits} + 1` },
      setWhere: sql`${rateWindows.hits} < ${cap}`,
    })
    .returning({ hits: rateWindows.hits });
  return got.length > 0;
}

/** Whether the window still has room, without counting. */
export async function hasRoom(conn: Conn, w: RateWindow, now: Date): Promise<boolean> {
  const { scope, windowMs, cap } = w;
  const [row] = await conn
    .select({ hits: rateWindows.hits })
    .from(rateWindows)
    .where(and(eq(rateWindows.scope, scope), eq(rateWindows.windowStart, windowOf(now, windowMs))));
  return (row?.hits ?? 0) < cap;
}

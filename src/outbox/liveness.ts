import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { instances } from '../../db/schema/index.js';
import type { Conn, Db } from '../db.js';
import type { Logger } from '../log.js';

export interface LivenessOptions {
  /** How often a busy instance writes its heartbeat (default 1 s). */
  heartbeatMs?: number;
  /** A heartbeat older than this is a dead instance: its claims are taken over (default 3 s). */
  staleMs?: number;
  instanceId?: string;
}

/**
 * Ties claims to the claiming process's life (docs/decisions/0007-outbox-recovery.md): while it
 * holds claims, an instance refreshes its `instances` row; others take over claims whose
 * instance's heartbeat went stale. Rows, not session advisory locks: those do not survive
 * connection pooling (Hyperdrive).
 */
export class Liveness {
  readonly id: string;
  readonly heartbeatMs: number;
  readonly staleMs: number;
  private timer: NodeJS.Timeout | undefined;
  private holders = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly clock: () => Date,
    o: LivenessOptions = {},
  ) {
    this.id = o.instanceId ?? randomUUID();
    this.heartbeatMs = o.heartbeatMs ?? 1000;
    this.staleMs = o.staleMs ?? 3000;
  }

  /** Writes the heartbeat now (in the claim's transaction, so a claim never outlives a stale row). */
  async beat(conn: Conn = this.db): Promise<void> {
    const now = this.clock();
    await conn
      .insert(instances)
      .values({ id: this.id, heartbeatAt: now })
      .onConflictDoUpdate({ target: instances.id, set: { heartbeatAt: now } });
  }

  /** Keeps the heartbeat going while at least one holder runs. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holders++ === 0) {
      const tick = () => {
        this.beat().catch((e) => this.log.warn({ action: 'instance.heartbeat', err: e }, 'heartbeat failed'));
      };
      this.timer = setInterval(tick, this.heartbeatMs);
      this.timer.unref?.();
    }
    try {
      return await fn();
    } finally {
      if (--this.holders === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }
  }

  /** SQL: the claim in `claimedBy` is free (nobody, or an instance whose heartbeat is stale). */
  free(claimedBy: AnyPgColumn) {
    const fresh = new Date(this.clock().getTime() - this.staleMs).toISOString();
    return sql`(${claimedBy} is null or not exists (select 1 from ${instances} i where i.id = ${claimedBy} and i.heartbeat_at > ${fresh}::timestamptz))`;
  }

  /** Forgets this instance (after its claims were released). */
  async retire(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.db.delete(instances).where(eq(instances.id, this.id));
  }
}

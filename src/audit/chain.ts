import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { auditHead, auditLog } from '../../db/schema/index.js';
import type { Conn, Tx } from '../db.js';

export const GENESIS_HASH = '0'.repeat(64);
export const ANONYMOUS_ACTOR = '匿名';

export interface AuditEntry {
  actorOpenId: string | null;
  actorName: string;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  before?: unknown;
  after?: unknown;
  at: Date;
}

/** Canonical JSON: sorted keys, so the hash does not depend on property order. */
export function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The entry's fields as stored and hashed: absent ones are null. */
const stored = (e: AuditEntry) => ({
  actorOpenId: e.actorOpenId,
  actorName: e.actorName,
  action: e.action,
  subjectType: e.subjectType,
  subjectId: e.subjectId ?? null,
  before: e.before ?? null,
  after: e.after ?? null,
});

export function hashEntry(prevHash: string, seq: number, e: AuditEntry): string {
  const body = canonical({ seq, at: e.at.toISOString(), ...stored(e) });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/**
 * Appends to the chain inside the caller's transaction. The head row is locked FOR UPDATE
 * so concurrent writers queue instead of forking the chain.
 */
export async function appendAudit(tx: Tx, e: AuditEntry): Promise<string> {
  await tx.insert(auditHead).values({ id: 1, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1)).for('update');
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  const at = new Date(Math.floor(e.at.getTime()));
  const hash = hashEntry(prevHash, seq, { ...e, at });
  await tx.insert(auditLog).values({ seq, at, ...stored(e), prevHash, hash });
  await tx.update(auditHead).set({ seq, hash }).where(eq(auditHead.id, 1));
  return hash;
}

export async function auditHeadHash(conn: Conn): Promise<{ seq: number; hash: string }> {
  const [head] = await conn.select().from(auditHead).where(eq(auditHead.id, 1));
  return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Recomputes the chain; returns the first broken row, if any. */
export async function verifyAudit(
  conn: Conn,
): Promise<{ ok: boolean; rows: number; brokenAt?: number; head: string }> {
  const rows = await conn.select().from(auditLog).orderBy(asc(auditLog.seq));
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const expected = hashEntry(prev, r.seq, {
      actorOpenId: r.actorOpenId,
      actorName: r.actorName,
      action: r.action,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      before: r.before,
      after: r.after,
      at: r.at,
    });
    if (r.prevHash !== prev || r.hash !== expected)
      return { ok: false, rows: rows.length, brokenAt: r.seq, head: prev };
    prev = r.hash;
  }
  const head = await auditHeadHash(conn);
  if (head.hash !== prev) return { ok: false, rows: rows.length, brokenAt: head.seq, head: prev };
  return { ok: true, rows: rows.length, head: prev };
}

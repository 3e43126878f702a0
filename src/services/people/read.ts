import { eq, inArray, sql } from 'drizzle-orm';
import { people, roles } from '../../../db/schema/index.js';
import { type Conn, rowsOf } from '../../db.js';
import { type Directory, DirectoryUnavailable, type DirectoryUser } from '../directory.js';

export const ROLES = ['admin', 'staff', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

const FRESH_MS = 24 * 3600_000;

/**
 * A person's display name: the cached people row while fresh, else the contact API,
 * else a name Lark gave us in a mention, else a shortened open_id.
 */
export async function resolveName(
  conn: Conn,
  directory: Directory,
  openId: string,
  opts: { fallbackName?: string; now?: Date } = {},
): Promise<string> {
  const now = opts.now ?? new Date();
  const [row] = await conn.select().from(people).where(eq(people.openId, openId));
  if (row && now.getTime() - row.fetchedAt.getTime() < FRESH_MS && row.name) return row.name;
  // Lark not answering is not a reason to fail the message: the cached or mentioned name serves.
  const u = await directory.get(openId).catch((e) => {
    if (e instanceof DirectoryUnavailable) return undefined;
    throw e;
  });
  const name = u?.name ?? opts.fallbackName ?? row?.name;
  if (!name) return shortId(openId);
  const values = {
    openId,
    name,
    unionId: u?.unionId ?? row?.unionId ?? null,
    userId: u?.userId ?? row?.userId ?? null,
    email: u?.email ?? row?.email ?? null,
    mobile: u?.mobile ?? row?.mobile ?? null,
    // A name from a mention is a fallback: keep it, but ask the directory again next time.
    fetchedAt: u ? now : new Date(0),
  };
  await conn.insert(people).values(values).onConflictDoUpdate({ target: people.openId, set: values });
  return name;
}

/** Caches a directory answer that arrived after its request was answered (one statement, no transaction). */
export async function rememberPerson(conn: Conn, u: DirectoryUser, now: Date): Promise<void> {
  const values = {
    openId: u.openId,
    name: u.name,
    unionId: u.unionId ?? null,
    userId: u.userId ?? null,
    email: u.email ?? null,
    mobile: u.mobile ?? null,
    fetchedAt: now,
  };
  await conn.insert(people).values(values).onConflictDoUpdate({ target: people.openId, set: values });
}

/** Names for many people at once from the cache (no API calls): for cards and lists. */
export async function namesOf(conn: Conn, openIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(openIds)].filter(Boolean);
  if (ids.length === 0) return new Map();
  const rows = await conn
    .select({ openId: people.openId, name: people.name })
    .from(people)
    .where(inArray(people.openId, ids));
  const m = new Map(rows.map((r) => [r.openId, r.name]));
  for (const id of ids) if (!m.has(id)) m.set(id, shortId(id));
  return m;
}

export function shortId(openId: string): string {
  return openId.length > 12 ? `${openId.slice(0, 6)}…${openId.slice(-4)}` : openId;
}

export async function rolesOf(
  conn: Conn,
  openId: string,
  adminOpenIds: readonly string[],
): Promise<Set<Role>> {
  const rows = await conn.select({ role: roles.role }).from(roles).where(eq(roles.openId, openId));
  const set = new Set(rows.map((r) => r.role as Role));
  if (adminOpenIds.includes(openId)) set.add('admin');
  return set;
}

/** Admins may do everything staff may (README.md). */
export function isStaff(r: Set<Role>): boolean {
  return r.has('staff') || r.has('admin');
}

export async function openIdsWithRole(
  conn: Conn,
  role: Role,
  adminOpenIds: readonly string[],
): Promise<string[]> {
  const rows = await conn.select({ openId: roles.openId }).from(roles).where(eq(roles.role, role));
  const ids = new Set(rows.map((r) => r.openId));
  if (role === 'admin') for (const a of adminOpenIds) ids.add(a);
  return [...ids];
}

/**
 * Who sent a message: name (cached, else the contact API) and roles, in one round trip on the
 * common path — every webhook starts here (bench/run.ts measures it).
 */
export async function actorOf(
  conn: Conn,
  directory: Directory,
  openId: string,
  adminOpenIds: readonly string[],
  now: Date,
): Promise<{ name: string; roles: Set<Role> }> {
  const [row] = rowsOf<{ name: string | null; fetched_at: Date | string | null; roles: Role[] | null }>(
    await conn.execute(
      sql`select p.name, p.fetched_at, (select array_agg(r.role) from roles r where r.open_id = ${openId}) as roles
          from (select 1) one left join people p on p.open_id = ${openId}`,
    ),
  );
  const roles = new Set<Role>(row?.roles ?? []);
  if (adminOpenIds.includes(openId)) roles.add('admin');
  const fetched = row?.fetched_at ? new Date(row.fetched_at) : undefined;
  const name =
    row?.name && fetched && now.getTime() - fetched.getTime() < FRESH_MS
      ? row.name
      : await resolveName(conn, directory, openId, { now });
  return { name, roles };
}

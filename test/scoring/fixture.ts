import { sql } from 'drizzle-orm';
import { appendAudit } from '../../src/audit/chain.js';
import { rowsOf } from '../../src/db.js';
import { ask, P } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/**
 * Six units with known events in the default campaign, as of Wednesday 2026-12-02 (workdays
 * Mon–Fri, no holiday in the span). Written as rows, the way the verbs leave them.
 *   市人社局 A1 on time (签收 same day, closed 11-26 ≤ 11-27, approved, 回访 满意);
 *            A2 签收 after 2 workdays, deadline 11-20 extended on 11-23 (after it passed) to
 *            12-10, open; one close-out request returned.
 *   市民政局 B1 签收 after 1 workday, closed late (11-25 > 11-20), approved;
 *            B2 closed, reopened by 回头看 on 11-26 with a new deadline 12-20, open.
 *   市教育局 C1 open past its deadline 11-27, no close-out request; C2 withdrawn.
 *   市公安局, 市住建局: one problem each, on time in everything (a tie).
 *   市文旅局: no problems.
 */
export const SIX = ['市公安局', '市住建局', '市文旅局'];
const at = (d: string) => `${d}T02:00:00Z`; // 10:00 in Asia/Shanghai

export async function loadSixUnits(h: Harness): Promise<Map<string, string>> {
  for (const u of SIX) await ask(h, P.staff, `/单位 添加 ${u}`);
  const db = h.database.db;
  const ids = new Map(
    rowsOf<{ id: number; name: string }>(
      await db.execute(sql`select id, coalesce(short_name, name) as name from units`),
    ).map((r) => [r.name, r.id]),
  );
  let seq = 900;
  const codes = new Map<string, string>();
  const problem = async (
    key: string,
    unit: string,
    p: { deadline: string; state: string; acked?: string; closed?: string },
  ) => {
    seq++;
    const code = `DB-2026-${seq}`;
    codes.set(key, code);
    const [row] = rowsOf<{ id: number }>(
      await db.execute(sql`insert into problems (code, year, seq, title, lead_unit_id, deadline, state, assigned_at, acknowledged_at, closed_at)
        values (${code}, 2026, ${seq}, ${`问题${key}`}, ${ids.get(unit)!}, ${p.deadline}, ${p.state}, ${at('2026-11-16')},
          ${p.acked ? at(p.acked) : null}, ${p.closed ? at(p.closed) : null}) returning id`),
    );
    return row!.id;
  };
  const closure = (id: number, status: string, day: string) =>
    db.execute(sql`insert into problem_requests (problem_id, kind, status, requested_by, requested_at, decided_by, decided_at)
      values (${id}, 'closure', ${status}, ${P.lead1}, ${at(day)}, ${P.staff}, ${at(day)})`);
  const changed = (key: string, action: string, day: string, before: string, after: string) =>
    db.transaction((tx) =>
      appendAudit(tx, {
        at: new Date(at(day)),
        actorOpenId: P.staff,
        actorName: '王敏',
        action,
        subjectType: 'problem',
        subjectId: codes.get(key)!,
        before: { deadline: before },
        after: { deadline: after },
      }),
    );
  const a1 = await problem('A1', '市人社局', {
    deadline: '2026-11-27',
    state: 'closed',
    acked: '2026-11-16',
    closed: '2026-11-26',
  });
  await closure(a1, 'approved', '2026-11-26');
  await db.execute(
    sql`insert into revisits (problem_id, round, raiser_kind, rating, rated_on) values (${a1}, 1, 'person', 'satisfied', '2026-11-30')`,
  );
  const a2 = await problem('A2', '市人社局', {
    deadline: '2026-12-10',
    state: 'in_progress',
    acked: '2026-11-18',
  });
  await closure(a2, 'rejected', '2026-11-19');
  await changed('A2', 'problem.extension_approved', '2026-11-23', '2026-11-20', '2026-12-10');
  const b1 = await problem('B1', '市民政局', {
    deadline: '2026-11-20',
    state: 'closed',
    acked: '2026-11-17',
    closed: '2026-11-25',
  });
  await closure(b1, 'approved', '2026-11-25');
  await problem('B2', '市民政局', { deadline: '2026-12-20', state: 'in_progress', acked: '2026-11-16' });
  await changed('B2', 'problem.reopened', '2026-11-26', '2026-11-27', '2026-12-20');
  await problem('C1', '市教育局', { deadline: '2026-11-27', state: 'in_progress', acked: '2026-11-16' });
  await problem('C2', '市教育局', { deadline: '2026-11-20', state: 'withdrawn' });
  for (const [k, u] of [
    ['D1', '市公安局'],
    ['E1', '市住建局'],
  ] as const) {
    const id = await problem(k, u, {
      deadline: '2026-11-27',
      state: 'closed',
      acked: '2026-11-16',
      closed: '2026-11-27',
    });
    await closure(id, 'approved', '2026-11-27');
  }
  return codes;
}

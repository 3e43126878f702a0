/**
 * The card-click path under load (npm run bench -- --only click,tx): many problems in state
 * 已交办 are seeded in the bench database, each with its assignment card "sent" to both contacts
 * of its lead unit; every request is a signed, encrypted card.action.trigger 签收 by the first
 * contact on their own copy of a distinct problem. The service locks the problem, checks the
 * clicker's unit, moves it to acknowledged, writes the history and audit rows, rebuilds the other
 * contact's copy as an outbox patch and answers with the clicker's rebuilt card.
 */
import type postgres from 'postgres';
import { cardActionEvent, larkRequest } from '../src/dev/lark-requests.js';
import { BENCH_LARK, type BenchEvent } from './events.js';

const UNITS = 500;
const STAFF = 'ou_bench_staff';

/** Seeds `n` assigned problems (SQL, seconds for tens of thousands); returns one 签收 click per problem. */
export async function seedClicks(db: postgres.Sql, n: number, prefix: string): Promise<BenchEvent[]> {
  await db.begin(async (tx) => {
    await tx.unsafe(`
      insert into units (name) select '压测单位' || g from generate_series(1, ${UNITS}) g;
      insert into unit_contacts (unit_id, open_id)
        select id, 'ou_k' || id || '_' || k from units, generate_series(1, 2) k where name like '压测单位%';
      insert into people (open_id, name, fetched_at)
        select open_id, '联络员' || right(open_id, 6), now() from unit_contacts
        union all select '${STAFF}', '王敏', now()
        on conflict (open_id) do nothing;
      insert into roles (open_id, role) values ('${STAFF}', 'staff') on conflict do nothing;`);
    await tx.unsafe(`
      with u as (select min(id) as first from units where name like '压测单位%')
      insert into problems (code, year, seq, title, description, lead_unit_id, deadline, state, created_by)
        select 'DB-2026-B' || lpad(g::text, 6, '0'), 2026, 500000 + g, '压测问题 ' || g,
               '企业开办材料重复提交，群众多次反映。', u.first + (g % ${UNITS}), date '2026-12-31', 'assigned', '${STAFF}'
        from generate_series(1, ${n}) g, u;`);
    await tx.unsafe(`
      insert into problem_events (problem_id, at, actor_open_id, actor_name, unit_id, kind, text)
        select id, now(), '${STAFF}', '王敏', lead_unit_id, 'assigned', '交办' || lead_unit_id || '，期限2026年12月31日'
        from problems where code like 'DB-2026-B%';
      insert into outbox (kind, receive_id_type, receive_id, rate_key, msg_type, content, purpose, problem_id,
                          audience, status, attempts, sent_message_id, sent_at)
        select 'send', 'open_id', c.open_id, c.open_id, 'interactive', '{}', 'assignment', p.id,
               c.open_id, 'sent', 1, 'om_card_' || p.id || '_' || right(c.open_id, 1), now()
        from problems p join unit_contacts c on c.unit_id = p.lead_unit_id where p.code like 'DB-2026-B%';
      analyze;`);
  });
  const rows = await db<{ id: number; unit: number }[]>`
    select id, lead_unit_id as unit from problems where code like 'DB-2026-B%' order by id`;
  return rows.map((r) => {
    const operator = `ou_k${r.unit}_1`;
    const eventId = `ev_${prefix}_click_${r.id}`;
    const messageId = `om_card_${r.id}_1`;
    const { headers, body } = larkRequest(
      cardActionEvent({
        eventId,
        token: BENCH_LARK.verificationToken,
        appId: BENCH_LARK.appId,
        operator,
        value: { action: 'p.ack', pid: r.id },
        messageId,
      }),
      { encryptKey: BENCH_LARK.encryptKey },
    );
    return { eventId, messageId, headers, body };
  });
}

/** Every click answered 2xx: its problem acknowledged, its history and audit rows, the other copy's patch. */
export async function verifyClicks(db: postgres.Sql, ackedEventIds: string[]) {
  const ids = ackedEventIds.map((e) => Number(e.slice(e.lastIndexOf('_') + 1)));
  const [r] = await db<{ acknowledged: number; history: number; audit: number; patches: number }[]>`
    select
      (select count(*) from problems where id = any(${ids}::int[]) and state = 'acknowledged')::int as acknowledged,
      (select count(distinct problem_id) from problem_events
         where problem_id = any(${ids}::int[]) and kind = 'acknowledged')::int as history,
      (select count(*) from audit_log a join problems p on p.code = a.subject_id
         where p.id = any(${ids}::int[]) and a.action = 'problem.acknowledged')::int as audit,
      (select count(distinct problem_id) from outbox
         where problem_id = any(${ids}::int[]) and purpose = 'card_patch' and status = 'pending')::int as patches`;
  const n = ids.length;
  const ok = r!.acknowledged === n && r!.history === n && r!.audit === n && r!.patches === n;
  return { ok, answered2xx: n, ...r! };
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  blobs,
  counters,
  evaluatedUnits,
  evidence,
  groupMembers,
  groupUnits,
  people,
  problemCoUnits,
  problemEvents,
  problemRequests,
  problems,
  roles,
  supervisionGroups,
  unitContacts,
  units,
} from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import type { Db, Tx } from '../../db.js';
import { todayIn } from '../../domain/dates.js';
import { problemCode } from '../../domain/problem.js';
import { loadCalendar } from '../calendar/load.js';
import { allUnits, unitLabels } from '../units/read.js';
import { type DemoCampaigns, ensureCampaigns, SEED_CAMPAIGN } from './campaigns.js';
import { DEPUTY_CAMPAIGN } from './deputies.js';
import { historyRows } from './history-rows.js';
import { type DemoPlan, type PlanPerson, type PlanProblem, planDemo } from './plan.js';

/**
 * `npm run demo`: writes the demo plan (plan.ts) in one transaction, with direct inserts (fast,
 * and nothing goes to the outbox: the demo sends no messages). Idempotent: units and groups are
 * found by name, people, roles and contacts inserted if missing, problems by their import key;
 * a second run adds nothing. One audit row, 'demo.loaded', says what was added.
 */
export interface DemoResult {
  problems: { inserted: number; existing: number };
  /** Problems per campaign after the load, by name; and what became of the migration's campaign. */
  campaigns: { name: string; problems: number }[];
  migrated: DemoCampaigns['migrated'];
  unitsCreated: number;
  groupsCreated: number;
  /** Problems led per demo unit, after the load. */
  byUnit: Record<string, number>;
}

const CHUNK = 400;
async function insertAll<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

async function ensureUnits(tx: Tx, plan: DemoPlan): Promise<{ ids: Map<string, number>; created: number }> {
  const existing = await allUnits(tx);
  const ids = new Map<string, number>();
  let created = 0;
  for (const u of plan.units) {
    const labels = [u.name, u.shortName ?? '', ...u.aliases].filter(Boolean);
    const hit = existing.find((e) => unitLabels(e).some((l) => labels.includes(l)));
    if (hit) {
      ids.set(u.name, hit.id);
      continue;
    }
    const [row] = await tx
      .insert(units)
      .values({ name: u.name, shortName: u.shortName, aliases: u.aliases })
      .returning();
    ids.set(u.name, row!.id);
    created++;
  }
  return { ids, created };
}

/** The seed campaign's groups (groups belong to a campaign; the 代表建议 go to staff, outside any group). */
async function ensureGroups(
  tx: Tx,
  plan: DemoPlan,
  unitIds: Map<string, number>,
  campaignId: number,
): Promise<number> {
  let created = 0;
  for (const g of plan.groups) {
    let [row] = await tx
      .select()
      .from(supervisionGroups)
      .where(and(eq(supervisionGroups.campaignId, campaignId), eq(supervisionGroups.name, g.name)));
    if (!row) {
      [row] = await tx.insert(supervisionGroups).values({ name: g.name, campaignId }).returning();
      created++;
    }
    // A unit another group already follows stays there (one group per unit in a campaign).
    await tx
      .insert(groupUnits)
      .values(g.units.map((u) => ({ groupId: row!.id, unitId: unitIds.get(u)!, campaignId })))
      .onConflictDoNothing();
    await tx
      .insert(groupMembers)
      .values(g.members.map((m) => ({ groupId: row!.id, openId: m.openId })))
      .onConflictDoNothing();
  }
  return created;
}

async function ensurePeople(
  tx: Tx,
  plan: DemoPlan,
  unitIds: Map<string, number>,
  o: { now: Date; campaignId: number },
): Promise<void> {
  const { now, campaignId } = o;
  const everyone: PlanPerson[] = [
    ...plan.staff,
    ...plan.units.flatMap((u) => u.contacts),
    ...plan.groups.flatMap((g) => g.members),
  ];
  await tx
    .insert(people)
    .values(everyone.map((p) => ({ openId: p.openId, name: p.name, fetchedAt: now })))
    .onConflictDoNothing();
  await tx
    .insert(roles)
    .values([
      ...plan.staff.map((p) => ({ openId: p.openId, role: 'staff' })),
      ...plan.groups.flatMap((g) => g.members.map((p) => ({ openId: p.openId, role: 'supervisor' }))),
    ])
    .onConflictDoNothing();
  await tx
    .insert(unitContacts)
    .values(
      plan.units.flatMap((u) => u.contacts.map((c) => ({ unitId: unitIds.get(u.name)!, openId: c.openId }))),
    )
    .onConflictDoNothing();
  await tx
    .insert(evaluatedUnits)
    .values(
      plan.units
        .filter((u) => u.evaluated)
        .map((u) => ({
          campaignId,
          unitId: unitIds.get(u.name)!,
          chosenBy: plan.staff[0]!.openId,
          chosenAt: now,
        })),
    )
    .onConflictDoNothing();
}

/** Codes continue each year's counter, in order of assignment, so later 交办 never collide. */
async function allocateCodes(
  tx: Tx,
  list: PlanProblem[],
  tz: string,
): Promise<Map<string, { code: string; year: number; seq: number }>> {
  const byYear = new Map<number, PlanProblem[]>();
  for (const p of list) {
    const y = p.codeYear ?? Number(todayIn(p.assignedAt, tz).slice(0, 4));
    byYear.set(y, [...(byYear.get(y) ?? []), p]);
  }
  const out = new Map<string, { code: string; year: number; seq: number }>();
  for (const [year, ps] of byYear) {
    const name = `problem_code_${year}`;
    await tx.insert(counters).values({ name, value: 0 }).onConflictDoNothing();
    const [row] = await tx
      .update(counters)
      .set({ value: sql`${counters.value} + ${ps.length}` })
      .where(eq(counters.name, name))
      .returning({ value: counters.value });
    const first = row!.value - ps.length + 1;
    ps.forEach((p, i) => {
      out.set(p.key, { code: problemCode(year, first + i), year, seq: first + i });
    });
  }
  return out;
}

export async function loadDemo(db: Db, o: { now: Date; timezone: string }): Promise<DemoResult> {
  return db.transaction(async (tx) => {
    // Two loads at once (PostgreSQL) must not both insert: the second waits, then finds the keys.
    await tx.execute(sql`select pg_advisory_xact_lock(727002)`);
    const plan = planDemo(o.now, o.timezone, await loadCalendar(tx));
    const camp = await ensureCampaigns(tx, o.now, plan.staff[0]!.openId);
    const { ids: unitIds, created: unitsCreated } = await ensureUnits(tx, plan);
    const groupsCreated = await ensureGroups(tx, plan, unitIds, camp.seedId);
    await ensurePeople(tx, plan, unitIds, { now: o.now, campaignId: camp.seedId });

    const all = [...plan.problems, ...plan.deputies];
    const keys = all.map((p) => p.key);
    const have = new Set(
      (
        await tx.select({ key: problems.importKey }).from(problems).where(inArray(problems.importKey, keys))
      ).map((r) => r.key),
    );
    const todo = all
      .filter((p) => !have.has(p.key))
      .sort((a, b) => a.assignedAt.getTime() - b.assignedAt.getTime());
    const ofDeputies = new Set(plan.deputies.map((p) => p.key));
    const seedTodo = todo.filter((p) => !ofDeputies.has(p.key));
    const deputyTodo = todo.filter((p) => ofDeputies.has(p.key));
    if (seedTodo.length)
      await writeProblems(tx, plan, seedTodo, unitIds, { tz: o.timezone, campaignId: camp.seedId });
    if (deputyTodo.length)
      await writeProblems(tx, plan, deputyTodo, unitIds, { tz: o.timezone, campaignId: camp.deputiesId });

    if (todo.length || unitsCreated || groupsCreated)
      await appendAudit(tx, {
        at: o.now,
        actorOpenId: null,
        actorName: '演示数据',
        action: 'demo.loaded',
        subjectType: 'demo',
        subjectId: null,
        after: {
          problems: todo.length,
          existing: have.size,
          unitsCreated,
          groupsCreated,
          migrated: camp.migrated,
        },
      });
    return {
      problems: { inserted: todo.length, existing: have.size },
      campaigns: await perCampaign(tx, camp),
      migrated: camp.migrated,
      unitsCreated,
      groupsCreated,
      byUnit: await seedByUnit(tx, plan, unitIds, camp.seedId),
    };
  });
}

async function perCampaign(tx: Tx, camp: DemoCampaigns): Promise<DemoResult['campaigns']> {
  const n = async (id: number) =>
    (await tx.select({ n: sql<number>`count(*)::int` }).from(problems).where(eq(problems.campaignId, id)))[0]
      ?.n ?? 0;
  return [
    { name: SEED_CAMPAIGN.name, problems: await n(camp.seedId) },
    { name: DEPUTY_CAMPAIGN.name, problems: await n(camp.deputiesId) },
  ];
}

/** Problems each demo unit leads in the seed campaign. */
async function seedByUnit(tx: Tx, plan: DemoPlan, unitIds: Map<string, number>, campaignId: number) {
  const counts = await tx
    .select({ unitId: problems.leadUnitId, n: sql<number>`count(*)::int` })
    .from(problems)
    .where(and(eq(problems.campaignId, campaignId), inArray(problems.leadUnitId, [...unitIds.values()])))
    .groupBy(problems.leadUnitId);
  const byUnit: Record<string, number> = {};
  for (const u of plan.units)
    byUnit[u.shortName ?? u.name] = counts.find((c) => c.unitId === unitIds.get(u.name))?.n ?? 0;
  return byUnit;
}

async function writeProblems(
  tx: Tx,
  plan: DemoPlan,
  todo: PlanProblem[],
  unitIds: Map<string, number>,
  o: { tz: string; campaignId: number },
) {
  const codes = await allocateCodes(tx, todo, o.tz);
  const groupOf = new Map(
    (
      await tx
        .select()
        .from(groupUnits)
        .where(
          and(eq(groupUnits.campaignId, o.campaignId), inArray(groupUnits.unitId, [...unitIds.values()])),
        )
    ).map((g) => [g.unitId, g.groupId]),
  );
  const planUnit = new Map(plan.units.map((u) => [u.name, u]));
  const planGroup = new Map(plan.groups.flatMap((g) => g.units.map((u) => [u, g])));
  const staff = plan.staff[0]!;
  const actor = (p: PlanProblem, who: 'staff' | 'lead' | 'supervisor'): PlanPerson =>
    who === 'staff'
      ? staff
      : who === 'lead'
        ? planUnit.get(p.unit)!.contacts[0]!
        : // Outside any group (the 代表建议), staff decide.
          groupOf.has(unitIds.get(p.unit)!)
          ? planGroup.get(p.unit)!.members[0]!
          : staff;

  const rows = todo.map((p) => {
    const c = codes.get(p.key)!;
    const lead = unitIds.get(p.unit)!;
    const when = (kind: string) => p.events.findLast((e) => e.kind === kind)?.at ?? null;
    return {
      ...c,
      title: p.title,
      description: p.description,
      source: p.source,
      category: p.category,
      timeliness: p.timeliness,
      leadUnitId: lead,
      groupId: groupOf.get(lead) ?? null,
      deadline: p.deadline,
      state: p.state,
      progressPct: p.progressPct,
      createdBy: staff.openId,
      createdAt: p.assignedAt,
      updatedAt: p.events.at(-1)!.at,
      assignedAt: p.assignedAt,
      acknowledgedAt: when('acknowledged'),
      lastProgressAt: when('progress'),
      closedAt: p.state === 'closed' ? when('closure_approved') : null,
      importKey: p.key,
      campaignId: o.campaignId,
      ...(p.raiserName ? { raiserKind: 'deputy' as const, raiserName: p.raiserName } : {}),
    };
  });
  const ids = new Map<string, number>();
  await insertAll(rows, async (chunk) => {
    for (const r of await tx
      .insert(problems)
      .values(chunk)
      .returning({ id: problems.id, key: problems.importKey }))
      ids.set(r.key!, r.id);
  });

  const co = todo.flatMap((p) => p.co.map((u) => ({ problemId: ids.get(p.key)!, unitId: unitIds.get(u)! })));
  await insertAll(co, (chunk) => tx.insert(problemCoUnits).values(chunk).onConflictDoNothing());

  const { events, requests, files } = historyRows(
    todo,
    (p) => ({
      problemId: ids.get(p.key)!,
      lead: unitIds.get(p.unit)!,
      code: codes.get(p.key)!.code,
    }),
    actor,
  );
  await insertAll(events, (chunk) => tx.insert(problemEvents).values(chunk));
  await insertAll(requests, (chunk) => tx.insert(problemRequests).values(chunk));
  await insertAll(files, async (chunk) => {
    await tx
      .insert(blobs)
      .values(chunk.map((f) => f.blob))
      .onConflictDoNothing();
    await tx
      .insert(evidence)
      .values(chunk.map((f) => f.row))
      .onConflictDoNothing();
  });
}

import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import { groupUnits, problemRequests, problems, supervisionGroups } from '../../../db/schema/index.js';
import { OPEN_STATES } from '../../domain/problem.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import { decidersFor, refreshCopies, sendCards } from '../problems/common.js';
import type { ProblemRow } from '../problems/load.js';
import { allUnits, resolveUnit, type UnitRow } from '../units/read.js';
import { type GroupRow, resolveGroup } from './read.js';

export const AssignUnitsInput = z.object({
  group: z.string(),
  units: z
    .array(z.string())
    .transform((names) => [...new Set(names.map((s) => s.trim()).filter(Boolean))])
    .refine((names) => names.length > 0, '格式：/督导组 单位 <组名> <单位>[,<单位>…]'),
  campaign: z.string().optional(),
});
export type AssignUnitsInput = z.input<typeof AssignUnitsInput>;

export interface UnitsAssigned {
  campaign: CampaignRow;
  group: GroupRow;
  moved: { unit: UnitRow; from: string | null }[];
  unchanged: UnitRow[];
  /** Open problems whose group changed with their lead unit. */
  problemsMoved: number;
}

/**
 * In a campaign a unit follows one group (group_units (campaign, unit) is unique): naming it again
 * for another group of the campaign moves it, and its open problems in that campaign follow, so the
 * new group's supervisors decide them. Closed and withdrawn problems keep the group that decided
 * them; the unit's groups and problems in other campaigns are untouched.
 */
export async function assignUnits(ctx: ServiceCtx, raw: AssignUnitsInput): Promise<UnitsAssigned> {
  const { group: groupName, units: names, campaign: named } = parseInput(AssignUnitsInput, raw);
  mustStaff(ctx.actor, '管理督导组');
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '调整督导组');
  const group = await resolveGroup(ctx.tx, groupName, campaign);
  const all = await allUnits(ctx.tx);
  const list: UnitRow[] = [];
  for (const n of names) {
    const u = await resolveUnit(ctx.tx, n, all);
    if (!list.some((x) => x.id === u.id)) list.push(u);
  }
  const groupNames = new Map(
    (await ctx.tx.select().from(supervisionGroups).where(eq(supervisionGroups.campaignId, campaign.id))).map(
      (g) => [g.id, g.name],
    ),
  );
  const r: UnitsAssigned = { campaign, group, moved: [], unchanged: [], problemsMoved: 0 };
  for (const u of list) {
    const here = and(eq(groupUnits.campaignId, campaign.id), eq(groupUnits.unitId, u.id));
    const [cur] = await ctx.tx.select().from(groupUnits).where(here).for('update');
    if (cur?.groupId === group.id) {
      r.unchanged.push(u);
      continue;
    }
    if (cur) await ctx.tx.delete(groupUnits).where(here);
    await ctx.tx.insert(groupUnits).values({ campaignId: campaign.id, groupId: group.id, unitId: u.id });
    const moved = await moveOpenProblems(ctx, group, u);
    r.problemsMoved += moved.length;
    await handOver(ctx, group, moved);
    const from = cur ? (groupNames.get(cur.groupId) ?? null) : null;
    r.moved.push({ unit: u, from });
    await audit(
      ctx,
      'group.unit_assigned',
      { type: 'group', id: group.id },
      {
        before: { unit: u.name, group: from },
        after: {
          campaign: campaign.name,
          unit: u.name,
          group: group.name,
          openProblems: moved.map((m) => m.code),
        },
      },
    );
  }
  return r;
}

/** The unit's open problems as lead in the group's campaign move to the group (the update's rows are the ones that moved). */
async function moveOpenProblems(ctx: ServiceCtx, group: GroupRow, u: UnitRow): Promise<ProblemRow[]> {
  return ctx.tx
    .update(problems)
    .set({ groupId: group.id, updatedAt: ctx.now })
    .where(
      and(
        eq(problems.leadUnitId, u.id),
        eq(problems.campaignId, group.campaignId),
        inArray(problems.state, OPEN_STATES),
        or(isNull(problems.groupId), ne(problems.groupId, group.id)),
      ),
    )
    .returning();
}

/**
 * The moved problems' cards are rebuilt (group name, who may decide), and requests waiting for
 * a decision go to the new group's supervisors: the old group can no longer decide them.
 */
async function handOver(ctx: ServiceCtx, group: GroupRow, moved: ProblemRow[]) {
  if (!moved.length) return;
  const rows = await ctx.tx
    .select({ id: problemRequests.problemId, kind: problemRequests.kind })
    .from(problemRequests)
    .where(
      and(
        inArray(
          problemRequests.problemId,
          moved.map((p) => p.id),
        ),
        eq(problemRequests.status, 'pending'),
        inArray(problemRequests.kind, ['closure', 'extension']),
      ),
    );
  for (const p of moved) {
    await refreshCopies(ctx, p);
    const deciders = new Set<string>();
    for (const r of rows.filter((x) => x.id === p.id))
      for (const id of await decidersFor(ctx, p, r.kind as 'closure' | 'extension')) deciders.add(id);
    if (deciders.size)
      await sendCards(ctx, p, [...deciders], 'group_handover', {
        banner: `${p.code} 已改由${group.name}负责，有待审核的申请，请处理。`,
      });
  }
}

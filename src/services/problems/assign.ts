import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { counters, problemCoUnits, problems } from '../../../db/schema/index.js';
import { categoriesOf } from '../../domain/campaign.js';
import { formatDateCn, todayIn } from '../../domain/dates.js';
import { conflict, invalid } from '../../domain/errors.js';
import { DESCRIPTION_MAX, problemCode, SOURCES, TIMELINESS, TITLE_MAX } from '../../domain/problem.js';
import { enqueue } from '../../outbox/enqueue.js';
import { mustStaff } from '../auth.js';
import { type CampaignRow, campaignById, campaignFor } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { attachNoticeOnAssign } from '../documents/notice-on-assign.js';
import { taskOnAssign } from '../tasks/sync.js';
import { allUnits, resolveUnit, type UnitRow } from '../units/read.js';
import { contactsOf, groupChatOf, record, sendCards } from './common.js';
import { resolveDeadline } from './deadline.js';
import { groupOfUnit, type ProblemRow } from './load.js';

export const AssignInput = z.object({
  title: z.string(),
  leadUnit: z.string(),
  coUnits: z.array(z.string()).default([]),
  /** YYYY-MM-DD, a Lark date ("2026-12-31 +0800") or "N个工作日". */
  deadline: z.string(),
  category: z.string().optional(),
  timeliness: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  importKey: z.string().optional(),
  /** `议题:<名称>`; else the asker's current campaign. */
  campaign: z.string().optional(),
  /** The campaign a form or an import draft was made in (wins over the name). */
  campaignId: z.number().int().positive().optional(),
  /** 提出人, for 回访: a Lark person (resolved by the transport) or a 人大代表 by name. */
  raiser: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('person'), openId: z.string().min(1), name: z.string() }),
      z.object({ kind: z.literal('deputy'), name: z.string() }),
    ])
    .optional(),
});
export type AssignInput = z.input<typeof AssignInput>;

export interface AssignResult {
  problem: ProblemRow;
  /** The asker's current campaign, which the problem joined. */
  campaign: CampaignRow;
  leadUnit: UnitRow;
  coUnits: UnitRow[];
  warnings: string[];
}

async function nextCode(ctx: ServiceCtx, year: number): Promise<{ code: string; seq: number }> {
  const name = `problem_code_${year}`;
  await ctx.tx.insert(counters).values({ name, value: 0 }).onConflictDoNothing();
  const [row] = await ctx.tx
    .update(counters)
    .set({ value: sql`${counters.value} + 1` })
    .where(eq(counters.name, name))
    .returning({ value: counters.value });
  return { code: problemCode(year, row!.value), seq: row!.value };
}

/** The form's text fields, trimmed and checked; defaults for timeliness (长期整改) and source (走访). */
function fieldsOf(i: z.output<typeof AssignInput>, campaign: CampaignRow) {
  const title = i.title.trim();
  if (!title)
    throw invalid('请填写问题标题。格式：/交办 <标题> 单位:<牵头单位> 期限:<YYYY-MM-DD 或 N个工作日>');
  if ([...title].length > TITLE_MAX)
    throw invalid(`标题不能超过 ${TITLE_MAX} 个字（当前 ${[...title].length} 个字）。`);
  const description = (i.description ?? '').trim();
  if ([...description].length > DESCRIPTION_MAX)
    throw invalid(`描述不能超过 ${DESCRIPTION_MAX} 个字（当前 ${[...description].length} 个字）。`);
  if (!i.leadUnit.trim()) throw invalid('请指定牵头单位，如：单位:市人社局');
  const category = i.category?.trim() || undefined;
  const categories = categoriesOf(campaign);
  if (category && !categories.includes(category))
    throw invalid(`类别「${category}」无效，议题「${campaign.name}」的类别可选：${categories.join('、')}。`);
  const timeliness = i.timeliness?.trim() || '长期整改';
  if (!(TIMELINESS as readonly string[]).includes(timeliness))
    throw invalid(`时效「${timeliness}」无效，可选：${TIMELINESS.join('、')}。`);
  const source = i.source?.trim() || '走访';
  if (!(SOURCES as readonly string[]).includes(source))
    throw invalid(`来源「${source}」无效，可选：${SOURCES.join('、')}。`);
  return { title, description, category, timeliness, source };
}

/** The campaign the problem joins: the form's, `议题:<名称>`, else the asker's current one; never an archived one. */
export async function targetCampaign(
  ctx: ServiceCtx,
  i: { campaign?: string; campaignId?: number },
): Promise<CampaignRow> {
  const campaign =
    i.campaignId !== undefined
      ? await campaignById(ctx.tx, i.campaignId)
      : await campaignFor(ctx.tx, ctx.actor.openId, i.campaign);
  if (campaign.state === 'archived')
    throw conflict(
      `议题「${campaign.name}」已归档，不能再新增问题。请用 /议题 切换 <名称> 切换到进行中的议题后再交办。`,
    );
  return campaign;
}

export const RAISER_NAME_MAX = 50;

/** The 提出人 columns; a 代表's name is trimmed and checked. */
function raiserOf(i: z.output<typeof AssignInput>) {
  const r = i.raiser;
  if (!r) return { raiserKind: null, raiserOpenId: null, raiserName: null };
  const name = r.name.trim();
  if (r.kind === 'person')
    return { raiserKind: 'person' as const, raiserOpenId: r.openId, raiserName: name || null };
  if (!name) throw invalid('请填写提出人：@某人、邮箱、手机号，或人大代表姓名。');
  if ([...name].length > RAISER_NAME_MAX) throw invalid(`提出人姓名不能超过 ${RAISER_NAME_MAX} 个字。`);
  return { raiserKind: 'deputy' as const, raiserOpenId: null, raiserName: name };
}

/** The lead unit and the cooperating ones (the lead and repeats left out), each by name or short name. */
async function unitsOf(ctx: ServiceCtx, i: z.output<typeof AssignInput>) {
  const all = await allUnits(ctx.tx);
  const lead = await resolveUnit(ctx.tx, i.leadUnit, all);
  const co: UnitRow[] = [];
  for (const name of i.coUnits.map((s) => s.trim()).filter(Boolean)) {
    const u = await resolveUnit(ctx.tx, name, all);
    if (u.id !== lead.id && !co.some((c) => c.id === u.id)) co.push(u);
  }
  return { lead, co };
}

/** The assignment card to the lead unit's contacts, the 配合 copy to the others; warns of units without contacts. */
async function sendAssignment(
  ctx: ServiceCtx,
  problem: ProblemRow,
  lead: UnitRow,
  co: UnitRow[],
  warnings: string[],
): Promise<void> {
  const leadContacts = await contactsOf(ctx, [lead.id]);
  if (leadContacts.length === 0)
    warnings.push(
      `${lead.name}尚未设置联络员，交办卡片暂无人接收。请用 /联络员 添加 ${lead.name} <人> 添加，添加后将自动补发。`,
    );
  await sendCards(ctx, problem, leadContacts, 'assignment', {
    banner: `请及时签收，并于${formatDateCn(problem.deadline)}前反馈整改进展。`,
  });
  for (const u of co) {
    const ids = (await contactsOf(ctx, [u.id])).filter((x) => !leadContacts.includes(x));
    if (!ids.length) warnings.push(`配合单位${u.name}尚未设置联络员。`);
    await sendCards(ctx, problem, ids, 'assignment_co', {
      banner: `贵单位为配合单位，请配合${lead.name}做好整改。`,
      asCo: true,
    });
  }
}

/** The 【新交办】 notice to the supervision group's chat, if the group has one. */
async function noticeGroup(ctx: ServiceCtx, problem: ProblemRow, lead: UnitRow): Promise<void> {
  const chat = await groupChatOf(ctx, problem.groupId);
  if (!chat) return;
  await enqueue(ctx.tx, [
    {
      msgType: 'text',
      content: {
        text: `【新交办】${problem.code} ${problem.title}\n牵头单位：${lead.name}；期限：${formatDateCn(problem.deadline)}`,
      },
      purpose: 'group_notice',
      problemId: problem.id,
      to: { type: 'chat_id', id: chat },
    },
  ]);
}

/**
 * 交办: creates the problem and sends the assignment card to the lead unit's contacts,
 * a 配合 copy to cooperating units' contacts and a notice to the group chat, in one transaction.
 */
export async function assignProblem(ctx: ServiceCtx, input: AssignInput): Promise<AssignResult> {
  mustStaff(ctx.actor, '交办问题');
  const i = AssignInput.parse(input);
  const campaign = await targetCampaign(ctx, i);
  const { title, description, category, timeliness, source } = fieldsOf(i, campaign);
  const raiser = raiserOf(i);
  const { lead, co } = await unitsOf(ctx, i);
  const deadline = resolveDeadline(ctx, i.deadline);
  const year = Number(todayIn(ctx.now, ctx.config.timezone).slice(0, 4));
  const { code, seq } = await nextCode(ctx, year);
  const groupId = await groupOfUnit(ctx.tx, lead.id, campaign.id);
  const [row] = await ctx.tx
    .insert(problems)
    .values({
      code,
      year,
      seq,
      title,
      description,
      source,
      category: category ?? null,
      timeliness,
      leadUnitId: lead.id,
      groupId,
      deadline,
      state: 'assigned',
      createdBy: ctx.actor.openId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      assignedAt: ctx.now,
      importKey: i.importKey ?? null,
      campaignId: campaign.id,
      ...raiser,
    })
    .returning();
  const problem = row!;
  if (co.length)
    await ctx.tx.insert(problemCoUnits).values(co.map((u) => ({ problemId: problem.id, unitId: u.id })));
  await record(ctx, problem, 'assigned', {
    text: `交办${lead.name}${co.length ? `，配合单位：${co.map((u) => u.name).join('、')}` : ''}，期限${formatDateCn(deadline)}`,
    after: {
      code,
      title,
      leadUnit: lead.name,
      coUnits: co.map((u) => u.name),
      deadline,
      category,
      timeliness,
      source,
      ...(raiser.raiserKind
        ? { raiser: raiser.raiserKind === 'deputy' ? raiser.raiserName : raiser.raiserOpenId }
        : {}),
    },
  });
  const warnings: string[] = [];
  if (raiser.raiserKind === 'deputy' && !ctx.config.publicBaseUrl)
    warnings.push('未配置 PUBLIC_BASE_URL，网页回访码不可用：办结后无法向该代表发放回访码。');
  await sendAssignment(ctx, problem, lead, co, warnings);
  await attachNoticeOnAssign(ctx, problem);
  await noticeGroup(ctx, problem, lead);
  await taskOnAssign(ctx, problem);
  if (!ctx.calendar.isConfirmed(deadline))
    warnings.push(`${deadline.slice(0, 4)}年节假日安排尚未发布，工作日按法定节假日推算，未经确认。`);
  return { problem, campaign, leadUnit: lead, coUnits: co, warnings };
}

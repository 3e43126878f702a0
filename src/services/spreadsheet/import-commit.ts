import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { importDoneCard, importFailedCard, importSummary, issueLine } from '../../../cards/import.js';
import { importDrafts } from '../../../db/schema/index.js';
import { appendAudit } from '../../audit/chain.js';
import type { Tx } from '../../db.js';
import { conflict, DomainError, invalid } from '../../domain/errors.js';
import { enqueue, type OutboxMessage } from '../../outbox/enqueue.js';
import { enqueueJob, type JobHandler, PermanentJobError } from '../../queue/queue.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { jobCtx } from '../job-ctx.js';
import { finishWithLookups } from '../lookups.js';
import { assignProblem } from '../problems/assign.js';
import { addContact } from '../units/add-contact.js';
import { addUnit } from '../units/add-unit.js';
import { DraftPayload, draftCampaign, hasWork, type ImportDeps, validateDraft } from './draft.js';

/**
 * 导入问题清单, second half: 确认导入 claims the draft and queues the commit; the commit job
 * creates the units and contacts and assigns every row in one transaction (all or nothing), each
 * row keyed (problems.import_key) so the same or an overlapping file never duplicates a problem.
 */
export const IMPORT_COMMIT_JOB = 'import.commit';

const CommitJob = z.object({ id: z.string().min(1), actor: z.string().min(1) });

const STATUS_TEXT: Record<string, string> = {
  importing: '该清单正在导入，请稍候。',
  imported: '该清单已导入，无需重复操作。',
  cancelled: '该导入已取消。如需导入，请重新发送文件。',
  failed: '该导入未成功。请修改文件后重新发送。',
};

const errorsText = (errors: { sheet: string; row: number; messages: string[] }[], sheet: string) =>
  `${errors.length} 行有误：\n${errors
    .slice(0, 20)
    .map((e) => issueLine(e, sheet))
    .join('\n')}${errors.length > 20 ? `\n……另有 ${errors.length - 20} 行` : ''}`;

/**
 * 确认导入: the draft goes pending → importing (a conditional update, so two clicks cannot both
 * win) and the commit is queued. The rows are checked again now, with the ticked units.
 */
export async function confirmImport(
  ctx: ServiceCtx,
  id: string,
  ticked: string[],
  cardMessageId?: string,
): Promise<{ fileName: string; rows: number }> {
  mustStaff(ctx.actor, '导入问题清单');
  const [draft] = await ctx.tx
    .update(importDrafts)
    .set({ status: 'importing' })
    .where(and(eq(importDrafts.id, id), eq(importDrafts.status, 'pending')))
    .returning();
  if (!draft) {
    const [d] = await ctx.tx
      .select({ status: importDrafts.status })
      .from(importDrafts)
      .where(eq(importDrafts.id, id));
    throw conflict(
      d ? (STATUS_TEXT[d.status] ?? '该导入已处理。') : '该导入已失效（超过 14 天），请重新发送文件。',
    );
  }
  const p = DraftPayload.parse(JSON.parse(draft.payload));
  const campaign = await draftCampaign(ctx.tx, p);
  const preview = await validateDraft(ctx, p, campaign);
  const offered = new Set(preview.unknown.map((u) => u.name));
  const create = new Set(ticked.filter((t) => offered.has(t)));
  const v = await validateDraft(ctx, p, campaign, create);
  if (v.errors.length) throw invalid(`未导入。${errorsText(v.errors, p.problemSheet)}`);
  if (!hasWork(p, v)) throw invalid('没有需要导入的新内容（已存在的行会跳过）。');
  await ctx.tx
    .update(importDrafts)
    .set({ payload: JSON.stringify({ ...p, create: [...create], cardMessageId } satisfies DraftPayload) })
    .where(eq(importDrafts.id, id));
  await enqueueJob(ctx.tx, IMPORT_COMMIT_JOB, { id, actor: ctx.actor.openId });
  return { fileName: draft.fileName, rows: v.ready.length };
}

/** 取消: the draft dropped; nothing else changes. */
export async function cancelImport(ctx: ServiceCtx, id: string): Promise<{ fileName: string }> {
  mustStaff(ctx.actor, '导入问题清单');
  const [draft] = await ctx.tx
    .update(importDrafts)
    .set({ status: 'cancelled' })
    .where(and(eq(importDrafts.id, id), eq(importDrafts.status, 'pending')))
    .returning({ fileName: importDrafts.fileName });
  if (!draft) throw conflict('该导入已确认或已取消。');
  return draft;
}

export interface CommitResult {
  codes: string[];
  existing: number;
  unitsCreated: string[];
  contactsAdded: number;
  warnings: string[];
}

/**
 * Writes the whole draft in the caller's transaction: units (declared, then ticked), contacts (who
 * then receive their units' open problems), then one 交办 per row with its import key. A refused
 * row throws, and the caller's savepoint takes everything back.
 */
export async function commitDraft(ctx: ServiceCtx, fileName: string, p: DraftPayload): Promise<CommitResult> {
  mustStaff(ctx.actor, '导入问题清单');
  const create = new Set(p.create ?? []);
  const campaign = await draftCampaign(ctx.tx, p);
  const v = await validateDraft(ctx, p, campaign, create);
  if (v.errors.length) throw invalid(errorsText(v.errors, p.problemSheet));
  const unitsCreated: string[] = [];
  for (const d of p.units) {
    if (d.existingId !== null) continue;
    const r = await addUnit(ctx, { name: d.name, shortName: d.shortName ?? undefined, aliases: d.aliases });
    if (r.created) unitsCreated.push(r.unit.name);
  }
  for (const name of create) {
    const r = await addUnit(ctx, { name });
    if (r.created) unitsCreated.push(r.unit.name);
  }
  let contactsAdded = 0;
  for (const d of p.units)
    for (const c of d.contacts) {
      const r = await addContact(ctx, { unit: d.name, person: { openId: c.openId, name: c.name } });
      if (!r.already) contactsAdded++;
    }
  const codes: string[] = [];
  const warnings = new Set<string>();
  for (const r of v.ready) {
    try {
      const a = await assignProblem(ctx, {
        title: r.title,
        description: r.description,
        leadUnit: r.leadUnit,
        coUnits: r.coUnits,
        deadline: r.deadline,
        category: r.category ?? undefined,
        timeliness: r.timeliness,
        source: r.source,
        importKey: r.key,
        campaignId: campaign.id,
      });
      codes.push(a.problem.code);
      for (const w of a.warnings) warnings.add(w);
    } catch (e) {
      if (e instanceof DomainError) throw invalid(`第 ${r.row} 行：${e.message}`);
      throw e;
    }
  }
  const result = {
    codes,
    existing: v.existing.length,
    unitsCreated,
    contactsAdded,
    warnings: [...warnings].slice(0, 10),
  };
  await appendAudit(ctx.tx, {
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    action: 'import.committed',
    subjectType: 'import',
    subjectId: fileName,
    after: { fileName, problems: codes.length, existing: result.existing, unitsCreated, contactsAdded },
  });
  return result;
}

function answer(tx: Tx, p: DraftPayload, text: string, card: unknown) {
  const msgs: OutboxMessage[] = [
    { msgType: 'text', content: { text }, purpose: 'import_result', replyTo: p.replyTo },
  ];
  if (p.cardMessageId)
    msgs.push({
      msgType: 'interactive',
      content: card,
      purpose: 'import_result',
      patch: { messageId: p.cardMessageId },
    });
  return enqueue(tx, msgs);
}

async function fail(tx: Tx, id: string, fileName: string, p: DraftPayload, reason: string) {
  await tx.update(importDrafts).set({ status: 'failed' }).where(eq(importDrafts.id, id));
  await answer(tx, p, `「${fileName}」未导入：${reason}`, importFailedCard(fileName, reason));
}

/** The commit job: the import, the draft's status and the answer commit together with the job. */
export function importCommitJob(deps: ImportDeps): JobHandler {
  return {
    async run(raw, job) {
      const parsed = CommitJob.safeParse(raw);
      if (!parsed.success) throw new PermanentJobError('任务内容无效');
      const { id, actor } = parsed.data;
      await finishWithLookups(
        deps,
        job,
      )(async (tx, directory) => {
        const [draft] = await tx.select().from(importDrafts).where(eq(importDrafts.id, id)).for('update');
        if (draft?.status !== 'importing') return;
        const p = DraftPayload.parse(JSON.parse(draft.payload));
        const ctx = await jobCtx(deps, directory, tx, actor, job.now);
        let r: CommitResult;
        try {
          r = await tx.transaction((sp) => commitDraft({ ...ctx, tx: sp }, draft.fileName, p));
        } catch (e) {
          if (e instanceof DomainError) return fail(tx, id, draft.fileName, p, e.message);
          throw e;
        }
        await tx.update(importDrafts).set({ status: 'imported' }).where(eq(importDrafts.id, id));
        const summary = importSummary(r);
        await answer(
          tx,
          p,
          `「${draft.fileName}」${summary}${r.warnings.length ? `\n${r.warnings.map((w) => `注意：${w}`).join('\n')}` : ''}`,
          importDoneCard({ ...r, fileName: draft.fileName, by: ctx.actor.name }),
        );
      });
    },
    async onFailed(raw, error, tx) {
      const j = CommitJob.safeParse(raw);
      if (!j.success) return;
      const [draft] = await tx.select().from(importDrafts).where(eq(importDrafts.id, j.data.id));
      if (!draft) return;
      const why = error instanceof PermanentJobError ? error.message : '导入时出错，已全部撤回';
      await fail(
        tx,
        j.data.id,
        draft.fileName,
        DraftPayload.parse(JSON.parse(draft.payload)),
        `${why}。请稍后重新发送文件。`,
      );
    },
  };
}

import { eq } from 'drizzle-orm';
import { people, problemEvents } from '../../../db/schema/index.js';
import { noticeDocument } from '../../documents/notice.js';
import type { StaffContact } from '../../documents/views.js';
import { conflict, forbidden } from '../../domain/errors.js';
import type { ServiceCtx } from '../context.js';
import { clockOf } from '../problems/common.js';
import { findProblem, loadView, relationOf } from '../problems/load.js';
import { type Issued, type IssueRequest, issueDocument } from './issue.js';

/** The staff member's contact details from the people cache (no directory call inside a transaction). */
export async function contactOf(ctx: ServiceCtx): Promise<StaffContact> {
  const [p] = await ctx.tx.select().from(people).where(eq(people.openId, ctx.actor.openId));
  return { name: p?.name ?? ctx.actor.name, phone: p?.mobile ?? null, email: p?.email ?? null };
}

/**
 * `/通知书 <编号>`: the 督办通知书 for one problem, issued to the asker. Staff, and supervisors
 * of the problem's group, may ask; a unit contact gets the problem card, not the office's document.
 */
export async function issueNotice(ctx: ServiceCtx, ref: string, to: IssueRequest['to']): Promise<Issued> {
  const row = await findProblem(ctx.tx, ref);
  const rel = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, row);
  if (!rel.staff && !rel.supervisor)
    throw forbidden(`您无权获取 ${row.code} 的督办通知书。只有工作人员和负责该问题的督导组成员可以获取。`);
  if (row.state === 'withdrawn') throw conflict(`${row.code} 已撤销，不再制发督办通知书。`);
  const view = await loadView(ctx.tx, row, clockOf(ctx));
  const contact = await contactOf(ctx);
  const issued = await issueDocument(ctx, {
    kind: 'notice',
    baseName: `督办通知书-${row.code}`,
    problem: { id: row.id, code: row.code },
    unitId: row.leadUnitId,
    to,
    build: (docNumber, date) =>
      noticeDocument({
        orgName: ctx.config.org.name,
        docNumber,
        date,
        problem: {
          code: row.code,
          title: row.title,
          description: row.description,
          category: row.category,
          leadUnit: view.leadUnit.name,
          coUnits: view.coUnits.map((u) => u.name),
          deadline: row.deadline,
        },
        contact,
      }),
  });
  // The problem's history (/查看) names the document; the audit row is issueDocument's.
  await ctx.tx.insert(problemEvents).values({
    problemId: row.id,
    at: ctx.now,
    actorOpenId: ctx.actor.openId,
    actorName: ctx.actor.name,
    kind: 'document',
    text: `督办通知书 ${issued.docNumber}`,
    data: { docNumber: issued.docNumber, sha256: issued.sha256 },
  });
  return issued;
}

import { and, eq, inArray } from 'drizzle-orm';
import { problems, problemTasks, unitContacts } from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import type { ProblemState } from '../../domain/problem.js';
import { enqueue } from '../../outbox/enqueue.js';

/** States in which the unit may still 申请销号: the task's completion is a prompt to do so. */
const BEFORE_CLOSURE: ProblemState[] = ['assigned', 'acknowledged', 'in_progress'];

/**
 * A lead contact completed the problem's Feishu task. That does not close the problem (only 销号
 * after 申请销号 with evidence does): the lead contacts are asked to apply, and nothing else changes.
 * Lark's event does not say who completed it, so all the unit's contacts are told. Our own 销号
 * patch completes the task too; by then the problem is closed and nobody is prompted.
 */
export async function promptClosureRequest(tx: Tx, taskGuid: string): Promise<'prompted' | 'ignored'> {
  const [p] = await tx
    .select({ id: problems.id, code: problems.code, title: problems.title, unitId: problems.leadUnitId })
    .from(problemTasks)
    .innerJoin(problems, eq(problems.id, problemTasks.problemId))
    .where(and(eq(problemTasks.taskGuid, taskGuid), inArray(problems.state, BEFORE_CLOSURE)));
  if (!p) return 'ignored';
  const contacts = await tx
    .select({ openId: unitContacts.openId })
    .from(unitContacts)
    .where(eq(unitContacts.unitId, p.unitId));
  const text =
    `【${p.code}】飞书任务「${p.title}」已标记为完成，但问题尚未销号。` +
    `请在问题卡片上提交佐证材料后点击「申请销号」，经审核同意后方可销号（发送 /查看 ${p.code} 可调出卡片）。`;
  await enqueue(
    tx,
    contacts.map((c) => ({
      msgType: 'text' as const,
      content: { text },
      purpose: 'task_completed',
      problemId: p.id,
      to: { type: 'open_id' as const, id: c.openId },
    })),
  );
  return 'prompted';
}

import {
  ACTION,
  type ActionName,
  type ActionValue,
  type ProblemForm,
  parseValue,
} from '../../cards/actions.js';
import { capabilities } from '../domain/capabilities.js';
import { conflict, forbidden } from '../domain/errors.js';
import type { Capability } from '../domain/problem-view.js';
import { serviceCtx } from '../services/ctx-from.js';
import { assignProblem } from '../services/problems/assign.js';
import { cardForPerson, clockOf } from '../services/problems/common.js';
import {
  decideClosure,
  decideDispute,
  decideExtension,
  editProblem,
  withdraw,
} from '../services/problems/decisions.js';
import { findProblem, loadView, relationOf } from '../services/problems/load.js';
import {
  acknowledge,
  type ChangeResult,
  reportProgress,
  requestClosure,
  requestDispute,
  requestExtension,
} from '../services/problems/unit-side.js';
import type { ActionContext, ActionHandler, ActionResult } from './context.js';

const FORM_NEEDS: Record<ProblemForm, Capability> = {
  progress: 'progress',
  closure: 'requestClosure',
  extension: 'requestExtension',
  dispute: 'requestDispute',
  return: 'decideClosure',
  rejectExtension: 'decideExtension',
  decideDispute: 'decideDispute',
  withdraw: 'withdraw',
  edit: 'edit',
};

const str = (v: unknown) =>
  Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/** After a change: a success toast and the clicked card rebuilt for the clicker. */
async function changed(ctx: ActionContext, r: ChangeResult): Promise<ActionResult> {
  const s = await serviceCtx(ctx);
  const view = await loadView(ctx.tx, r.problem, clockOf(s));
  return {
    toast: { type: 'success', content: r.message },
    card: await cardForPerson(s, view, r.problem, ctx.actor.openId),
  };
}

/** The actions whose value names one problem by id. */
type PidAction = { [N in ActionName]: ActionValue<N> extends { pid: number } ? N : never }[ActionName];

/** The button's value names the problem; it never grants anything. pid is parsed, then authority checked again. */
function on(name: PidAction, fn: (ctx: ActionContext, pid: number) => Promise<ChangeResult>): ActionHandler {
  return async (ctx) => {
    const { pid } = parseValue(name, ctx.value);
    return changed(ctx, await fn(ctx, pid));
  };
}

export const problemActions: Record<string, ActionHandler> = {
  /** Opens a form inside the card; allowed only if the viewer has the capability the form serves. */
  [ACTION.problemForm]: async (ctx) => {
    const { pid, form: f } = parseValue(ACTION.problemForm, ctx.value);
    const s = await serviceCtx(ctx);
    const row = await findProblem(ctx.tx, pid);
    const view = await loadView(ctx.tx, row, clockOf(s));
    const caps = capabilities(view, await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, row));
    if (!caps.has(FORM_NEEDS[f])) throw forbidden(`您不能对 ${row.code} 执行此操作，或其状态已变化。`);
    if (row.state === 'assigned' && caps.has('acknowledge') && (f === 'progress' || f === 'closure')) {
      throw conflict(`请先签收 ${row.code}，再${f === 'progress' ? '反馈进展' : '申请销号'}。`);
    }
    return {
      toast: { type: 'info', content: '请填写后提交' },
      card: await cardForPerson(s, view, row, ctx.actor.openId, { form: f }),
    };
  },
  /** Opens the problem card with fresh buttons for the clicker (from reminders and digests); optionally a form. */
  [ACTION.problemOpen]: async (ctx) => {
    const v = parseValue(ACTION.problemOpen, ctx.value);
    const s = await serviceCtx(ctx);
    const row = await findProblem(ctx.tx, v.code ?? v.pid!);
    const rel = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, row);
    if (!rel.lead && !rel.co && !rel.supervisor && !rel.staff) throw forbidden(`您无权查看 ${row.code}。`);
    const view = await loadView(ctx.tx, row, clockOf(s));
    const wanted = v.form;
    const form =
      wanted && capabilities(view, rel).has(FORM_NEEDS[wanted]) && !(row.state === 'assigned' && rel.lead)
        ? wanted
        : undefined;
    return {
      toast: { type: 'info', content: row.code },
      card: await cardForPerson(s, view, row, ctx.actor.openId, { form }),
    };
  },
  [ACTION.acknowledge]: on(ACTION.acknowledge, async (ctx, pid) =>
    acknowledge(await serviceCtx(ctx), pid, ctx.messageId),
  ),
  [ACTION.progress]: on(ACTION.progress, async (ctx, pid) =>
    reportProgress(
      await serviceCtx(ctx),
      pid,
      { content: ctx.formValue.content, percent: ctx.formValue.percent, outcome: ctx.formValue.outcome },
      ctx.messageId,
    ),
  ),
  [ACTION.closureRequest]: on(ACTION.closureRequest, async (ctx, pid) =>
    requestClosure(await serviceCtx(ctx), pid, ctx.formValue.summary, ctx.messageId),
  ),
  [ACTION.extensionRequest]: on(ACTION.extensionRequest, async (ctx, pid) =>
    requestExtension(
      await serviceCtx(ctx),
      pid,
      { newDeadline: str(ctx.formValue.new_deadline), reason: ctx.formValue.reason },
      ctx.messageId,
    ),
  ),
  [ACTION.disputeRequest]: on(ACTION.disputeRequest, async (ctx, pid) =>
    requestDispute(await serviceCtx(ctx), pid, ctx.formValue.reason, ctx.messageId),
  ),
  [ACTION.closureApprove]: on(ACTION.closureApprove, async (ctx, pid) =>
    decideClosure(await serviceCtx(ctx), pid, true, ctx.formValue.reason, ctx.messageId),
  ),
  [ACTION.closureReturn]: on(ACTION.closureReturn, async (ctx, pid) =>
    decideClosure(await serviceCtx(ctx), pid, false, ctx.formValue.reason, ctx.messageId),
  ),
  [ACTION.extensionApprove]: on(ACTION.extensionApprove, async (ctx, pid) =>
    decideExtension(await serviceCtx(ctx), pid, true, null, ctx.messageId),
  ),
  [ACTION.extensionReject]: on(ACTION.extensionReject, async (ctx, pid) =>
    decideExtension(await serviceCtx(ctx), pid, false, ctx.formValue.reason, ctx.messageId),
  ),
  [ACTION.disputeDecide]: on(ACTION.disputeDecide, async (ctx, pid) =>
    decideDispute(
      await serviceCtx(ctx),
      pid,
      {
        accept: str(ctx.formValue.decision) === 'accept',
        newLeadUnit: str(ctx.formValue.lead_unit),
        reason: ctx.formValue.reason,
      },
      ctx.messageId,
    ),
  ),
  [ACTION.withdraw]: on(ACTION.withdraw, async (ctx, pid) =>
    withdraw(await serviceCtx(ctx), pid, ctx.formValue.reason, ctx.messageId),
  ),
  [ACTION.edit]: on(ACTION.edit, async (ctx, pid) =>
    editProblem(
      await serviceCtx(ctx),
      pid,
      {
        title: ctx.formValue.title,
        description: ctx.formValue.description,
        category: str(ctx.formValue.category),
        deadline: str(ctx.formValue.deadline),
      },
      ctx.messageId,
    ),
  ),
  /** The assign form's 提交. */
  [ACTION.assign]: async (ctx) => {
    parseValue(ACTION.assign, ctx.value);
    const f = ctx.formValue;
    const coUnits = Array.isArray(f.co_units)
      ? f.co_units.map(String)
      : str(f.co_units).split(',').filter(Boolean);
    const r = await assignProblem(await serviceCtx(ctx), {
      title: str(f.title),
      leadUnit: str(f.lead_unit),
      coUnits,
      deadline: str(f.deadline),
      category: str(f.category) || undefined,
      timeliness: str(f.timeliness) || undefined,
      description: str(f.description) || undefined,
    });
    const warn = r.warnings.length ? `\n${r.warnings.join('\n')}` : '';
    return {
      toast: { type: r.warnings.length ? 'warning' : 'success', content: `已交办 ${r.problem.code}` },
      card: {
        schema: '2.0',
        config: { update_multi: true },
        header: { template: 'green', title: { tag: 'plain_text', content: `已交办 ${r.problem.code}` } },
        body: {
          elements: [
            {
              tag: 'div',
              text: { tag: 'plain_text', content: `${r.problem.title}\n牵头单位：${r.leadUnit.name}${warn}` },
            },
          ],
        },
      },
    };
  },
};

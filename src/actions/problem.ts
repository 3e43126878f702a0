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
import type { ServiceCtx } from '../services/context.js';
import { serviceCtx } from '../services/ctx-from.js';
import { acknowledge } from '../services/problems/acknowledge.js';
import { assignProblem } from '../services/problems/assign.js';
import { type ChangeResult, cardForPerson, clockOf } from '../services/problems/common.js';
import { decideClosure } from '../services/problems/decide-closure.js';
import { decideDispute } from '../services/problems/decide-dispute.js';
import { decideExtension } from '../services/problems/decide-extension.js';
import { editProblem } from '../services/problems/edit-problem.js';
import { findProblem, loadView, relationOf } from '../services/problems/load.js';
import { raiserFromText } from '../services/problems/raiser.js';
import { reportProgress } from '../services/problems/report-progress.js';
import { requestClosure } from '../services/problems/request-closure.js';
import { requestDispute } from '../services/problems/request-dispute.js';
import { requestExtension } from '../services/problems/request-extension.js';
import { withdraw } from '../services/problems/withdraw.js';
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
async function changed(ctx: ActionContext, s: ServiceCtx, r: ChangeResult): Promise<ActionResult> {
  const view = await loadView(ctx.tx, r.problem, clockOf(s));
  return {
    toast: { type: 'success', content: r.message },
    card: await cardForPerson(s, view, r.problem, ctx.actor.openId),
  };
}

type Change = (
  s: ServiceCtx,
  pid: number,
  form: ActionContext['formValue'],
  messageId?: string,
) => Promise<ChangeResult>;

/** The actions whose value names one problem by id. */
type PidAction = { [N in ActionName]: ActionValue<N> extends { pid: number } ? N : never }[ActionName];

/**
 * A button that changes the problem: pid parsed (it names the problem and never grants anything),
 * the service context built once, one verb called; the verb checks authority again.
 */
function on(name: PidAction, fn: Change): ActionHandler {
  return async (ctx) => {
    const { pid } = parseValue(name, ctx.value);
    const s = await serviceCtx(ctx);
    return changed(ctx, s, await fn(s, pid, ctx.formValue, ctx.messageId));
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
  [ACTION.acknowledge]: on(ACTION.acknowledge, (s, pid, _f, m) => acknowledge(s, pid, m)),
  [ACTION.progress]: on(ACTION.progress, (s, pid, f, m) =>
    reportProgress(s, pid, { content: f.content, percent: f.percent, outcome: f.outcome }, m),
  ),
  [ACTION.closureRequest]: on(ACTION.closureRequest, (s, pid, f, m) =>
    requestClosure(s, pid, { summary: f.summary }, m),
  ),
  [ACTION.extensionRequest]: on(ACTION.extensionRequest, (s, pid, f, m) =>
    requestExtension(s, pid, { newDeadline: str(f.new_deadline), reason: f.reason }, m),
  ),
  [ACTION.disputeRequest]: on(ACTION.disputeRequest, (s, pid, f, m) =>
    requestDispute(s, pid, { reason: f.reason }, m),
  ),
  [ACTION.closureApprove]: on(ACTION.closureApprove, (s, pid, f, m) =>
    decideClosure(s, pid, { approve: true, reason: f.reason }, m),
  ),
  [ACTION.closureReturn]: on(ACTION.closureReturn, (s, pid, f, m) =>
    decideClosure(s, pid, { approve: false, reason: f.reason }, m),
  ),
  [ACTION.extensionApprove]: on(ACTION.extensionApprove, (s, pid, _f, m) =>
    decideExtension(s, pid, { approve: true }, m),
  ),
  [ACTION.extensionReject]: on(ACTION.extensionReject, (s, pid, f, m) =>
    decideExtension(s, pid, { approve: false, reason: f.reason }, m),
  ),
  [ACTION.disputeDecide]: on(ACTION.disputeDecide, (s, pid, f, m) =>
    decideDispute(
      s,
      pid,
      { accept: str(f.decision) === 'accept', newLeadUnit: str(f.lead_unit), reason: f.reason },
      m,
    ),
  ),
  [ACTION.withdraw]: on(ACTION.withdraw, (s, pid, f, m) => withdraw(s, pid, { reason: f.reason }, m)),
  [ACTION.edit]: on(ACTION.edit, (s, pid, f, m) =>
    editProblem(
      s,
      pid,
      { title: f.title, description: f.description, category: str(f.category), deadline: str(f.deadline) },
      m,
    ),
  ),
  /** The assign form's 提交. */
  [ACTION.assign]: async (ctx) => {
    const v = parseValue(ACTION.assign, ctx.value);
    const f = ctx.formValue;
    const coUnits = Array.isArray(f.co_units)
      ? f.co_units.map(String)
      : str(f.co_units).split(',').filter(Boolean);
    const raiser = str(f.raiser).trim();
    const r = await assignProblem(await serviceCtx(ctx), {
      ...(v.c !== undefined ? { campaignId: v.c } : {}),
      ...(raiser ? { raiser: await raiserFromText(ctx.tx, ctx.directory, [], raiser, ctx.now) } : {}),
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
              text: {
                tag: 'plain_text',
                content: `${r.problem.title}\n牵头单位：${r.leadUnit.name}\n议题：${r.campaign.name}${warn}`,
              },
            },
          ],
        },
      },
    };
  },
};

import { z } from 'zod';
import type { ProblemForm } from '../../cards/problem.js';
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

/** The button's value names the problem; it never grants anything. pid is parsed, then authority checked again. */
const Pid = z.object({ pid: z.coerce.number().int().positive() });

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

const FormName = z.enum(Object.keys(FORM_NEEDS) as [ProblemForm, ...ProblemForm[]]);

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

function on(fn: (ctx: ActionContext, pid: number) => Promise<ChangeResult>): ActionHandler {
  return async (ctx) => {
    const { pid } = Pid.parse(ctx.value);
    return changed(ctx, await fn(ctx, pid));
  };
}

export const problemActions: Record<string, ActionHandler> = {
  /** Opens a form inside the card; allowed only if the viewer has the capability the form serves. */
  'p.form': async (ctx) => {
    const { pid } = Pid.parse(ctx.value);
    const f = FormName.parse(ctx.value.form);
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
  'p.open': async (ctx) => {
    const s = await serviceCtx(ctx);
    const row = await findProblem(
      ctx.tx,
      typeof ctx.value.code === 'string' ? ctx.value.code : Pid.parse(ctx.value).pid,
    );
    const rel = await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, row);
    if (!rel.lead && !rel.co && !rel.supervisor && !rel.staff) throw forbidden(`您无权查看 ${row.code}。`);
    const view = await loadView(ctx.tx, row, clockOf(s));
    const wanted = ctx.value.form === undefined ? undefined : FormName.parse(ctx.value.form);
    const form =
      wanted && capabilities(view, rel).has(FORM_NEEDS[wanted]) && !(row.state === 'assigned' && rel.lead)
        ? wanted
        : undefined;
    return {
      toast: { type: 'info', content: row.code },
      card: await cardForPerson(s, view, row, ctx.actor.openId, { form }),
    };
  },
  'p.ack': on(async (ctx, pid) => acknowledge(await serviceCtx(ctx), pid, ctx.messageId)),
  'p.progress': on(async (ctx, pid) =>
    reportProgress(
      await serviceCtx(ctx),
      pid,
      { content: ctx.formValue.content, percent: ctx.formValue.percent, outcome: ctx.formValue.outcome },
      ctx.messageId,
    ),
  ),
  'p.closure.request': on(async (ctx, pid) =>
    requestClosure(await serviceCtx(ctx), pid, ctx.formValue.summary, ctx.messageId),
  ),
  'p.extension.request': on(async (ctx, pid) =>
    requestExtension(
      await serviceCtx(ctx),
      pid,
      { newDeadline: str(ctx.formValue.new_deadline), reason: ctx.formValue.reason },
      ctx.messageId,
    ),
  ),
  'p.dispute.request': on(async (ctx, pid) =>
    requestDispute(await serviceCtx(ctx), pid, ctx.formValue.reason, ctx.messageId),
  ),
  'p.closure.approve': on(async (ctx, pid) =>
    decideClosure(await serviceCtx(ctx), pid, true, ctx.formValue.reason, ctx.messageId),
  ),
  'p.closure.return': on(async (ctx, pid) =>
    decideClosure(await serviceCtx(ctx), pid, false, ctx.formValue.reason, ctx.messageId),
  ),
  'p.extension.approve': on(async (ctx, pid) =>
    decideExtension(await serviceCtx(ctx), pid, true, null, ctx.messageId),
  ),
  'p.extension.reject': on(async (ctx, pid) =>
    decideExtension(await serviceCtx(ctx), pid, false, ctx.formValue.reason, ctx.messageId),
  ),
  'p.dispute.decide': on(async (ctx, pid) =>
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
  'p.withdraw': on(async (ctx, pid) =>
    withdraw(await serviceCtx(ctx), pid, ctx.formValue.reason, ctx.messageId),
  ),
  'p.edit': on(async (ctx, pid) =>
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
  'p.assign': async (ctx) => {
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

import { z } from 'zod';
import type { Json } from './kit.js';

/**
 * The seam between a card's buttons and the click handlers (src/actions/): every action name, and
 * the shape of the callback value each one carries. Cards build values with `act`, handlers read
 * them with `parseValue`, so a name or a field is written once. A value names what was clicked,
 * never who may do it: the handlers check authority again.
 *
 * Cards stay in people's chats: a value a card sent before must stay readable for 14 days after a
 * change here. Unknown fields are dropped, never refused.
 */
export const ACTION = {
  problemForm: 'p.form',
  problemOpen: 'p.open',
  acknowledge: 'p.ack',
  progress: 'p.progress',
  closureRequest: 'p.closure.request',
  extensionRequest: 'p.extension.request',
  disputeRequest: 'p.dispute.request',
  closureApprove: 'p.closure.approve',
  closureReturn: 'p.closure.return',
  extensionApprove: 'p.extension.approve',
  extensionReject: 'p.extension.reject',
  disputeDecide: 'p.dispute.decide',
  withdraw: 'p.withdraw',
  edit: 'p.edit',
  assign: 'p.assign',
  evidenceAttach: 'p.evidence.attach',
  evidenceList: 'p.evidence.list',
  evidenceSend: 'p.evidence.send',
  listPage: 'list.page',
  noticeConfirm: 'cal.notice.confirm',
  noticeCancel: 'cal.notice.cancel',
  feedbackConvert: 'fb.convert',
  feedbackDismiss: 'fb.dismiss',
  ballot: 'ev.ballot',
  reinspectionConfirm: 'ri.confirm',
  reinspectionForm: 'ri.form',
  reinspectionReopen: 'ri.reopen',
  importConfirm: 'import.confirm',
  importCancel: 'import.cancel',
  revisitRate: 'rv.rate',
  revisitRedo: 'rv.redo',
  revisitExplain: 'rv.explain',
} as const;

export type ActionName = (typeof ACTION)[keyof typeof ACTION];

/** The forms a problem card can open in place (the value of `form` on p.form and p.open). */
export const PROBLEM_FORMS = [
  'progress',
  'closure',
  'extension',
  'dispute',
  'return',
  'rejectExtension',
  'decideDispute',
  'withdraw',
  'edit',
] as const;
export type ProblemForm = (typeof PROBLEM_FORMS)[number];

const id = z.coerce.number().int().positive();
const draftId = z.string().min(1).max(64);
const FormName = z.enum(PROBLEM_FORMS);

const Pid = z.object({ pid: id });
/**
 * Until 14 days after new cards stopped sending it, an approve button may still carry the request
 * id (`rid`) it was drawn for: accepted and dropped (the pending request is read again on the click).
 */
const PidOldRid = Pid.extend({ rid: z.unknown().optional() }).transform(({ rid: _, ...v }) => v);
const Draft = z.object({ id: draftId });
const Fid = z.object({ fid: z.string().uuid() });
const Iid = z.object({ iid: id });

/** The value schema of each action: what its buttons carry besides `action`. */
export const VALUES = {
  [ACTION.problemForm]: Pid.extend({ form: FormName }),
  /** From reminders, digests and 回头看: by code or by id, optionally with a form to open. */
  [ACTION.problemOpen]: z
    .object({ code: z.string().optional(), pid: id.optional(), form: FormName.optional() })
    .refine((v) => v.code !== undefined || v.pid !== undefined, { message: 'code or pid' }),
  [ACTION.acknowledge]: Pid,
  [ACTION.progress]: Pid,
  [ACTION.closureRequest]: Pid,
  [ACTION.extensionRequest]: Pid,
  [ACTION.disputeRequest]: Pid,
  [ACTION.closureApprove]: PidOldRid,
  [ACTION.closureReturn]: Pid,
  [ACTION.extensionApprove]: PidOldRid,
  [ACTION.extensionReject]: Pid,
  [ACTION.disputeDecide]: Pid,
  [ACTION.withdraw]: Pid,
  [ACTION.edit]: Pid,
  /** The assign form carries its fields in the form value, and the campaign it was opened in. */
  [ACTION.assign]: z.object({ c: id.optional() }),
  /** The pick card's answer: the problem, and the message and file it is about. */
  [ACTION.evidenceAttach]: Pid.extend({
    mid: z.string().min(1),
    fk: z.string().min(1),
    kind: z.enum(['image', 'file']),
    name: z.string().max(200).optional(),
  }),
  [ACTION.evidenceList]: Pid,
  [ACTION.evidenceSend]: Pid.extend({ eid: id }),
  /** 上一页 / 下一页: the list's filters and the page. */
  [ACTION.listPage]: z.object({
    /** The campaign the list was made for, so a page turned after /议题 切换 stays in it. */
    c: id.optional(),
    u: id.optional(),
    s: z.string().optional(),
    page: z.coerce.number().int().min(1).max(10_000),
  }),
  [ACTION.noticeConfirm]: Draft,
  [ACTION.noticeCancel]: Draft,
  [ACTION.feedbackConvert]: Fid,
  [ACTION.feedbackDismiss]: Fid,
  [ACTION.ballot]: z.object({ eid: id }),
  [ACTION.reinspectionConfirm]: Iid,
  [ACTION.reinspectionForm]: Iid,
  [ACTION.reinspectionReopen]: Iid,
  [ACTION.importConfirm]: Draft,
  [ACTION.importCancel]: Draft,
  /** 回访: the revisit and the rating chosen; the handler checks the clicker is the raiser. */
  [ACTION.revisitRate]: z.object({ vid: id, r: z.enum(['satisfied', 'basic', 'unsatisfied']) }),
  [ACTION.revisitRedo]: z.object({ vid: id }),
  [ACTION.revisitExplain]: z.object({ vid: id }),
} satisfies Record<ActionName, z.ZodType>;

/** What an action's value holds once read (and what a card passes to `act`). */
export type ActionValue<N extends ActionName> = z.output<(typeof VALUES)[N]>;

/** A button's callback value: the action's name and its fields. */
export function act<N extends ActionName>(name: N, fields: ActionValue<N>): Json {
  return { action: name, ...fields };
}

/** Reads a clicked button's value for the action it names; throws a ZodError on a wrong shape. */
export function parseValue<N extends ActionName>(name: N, value: unknown): ActionValue<N> {
  return VALUES[name].parse(value) as ActionValue<N>;
}

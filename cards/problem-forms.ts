import { CATEGORIES } from '../src/domain/problem.js';
import type { ProblemView } from '../src/domain/problem-view.js';
import { ACTION, act, type ProblemForm } from './actions.js';
import { datePicker, type Element, form, input, select } from './kit.js';

/** The forms a problem card opens in place, one per ProblemForm; each submits to its action. */

const reason = (label: string) =>
  input('reason', label, { required: true, multiline: true, maxLength: 2000 });

const FORMS: Record<ProblemForm, (p: ProblemView, unitNames: string[]) => Element> = {
  progress: (p) =>
    form(
      'progress_form',
      [
        input('content', '整改进展', {
          required: true,
          multiline: true,
          maxLength: 5000,
          placeholder: '请简要说明已采取的措施和取得的成效',
        }),
        input('percent', '完成比例（%）', { placeholder: '选填，0–100' }),
        input('outcome', '量化成效', { placeholder: '选填，如：兑现奖补资金1537.5万元；办理证件907人' }),
      ],
      act(ACTION.progress, { pid: p.id }),
    ),
  closure: (p) =>
    form(
      'closure_form',
      [input('summary', '整改情况小结', { required: true, multiline: true, maxLength: 5000 })],
      act(ACTION.closureRequest, { pid: p.id }),
    ),
  extension: (p) =>
    form(
      'extension_form',
      [datePicker('new_deadline', '新的整改期限', { required: true }), reason('延期理由')],
      act(ACTION.extensionRequest, { pid: p.id }),
    ),
  dispute: (p) =>
    form(
      'dispute_form',
      [reason('申请改派理由（如：不属于本单位职责）')],
      act(ACTION.disputeRequest, { pid: p.id }),
    ),
  return: (p) => form('return_form', [reason('退回理由')], act(ACTION.closureReturn, { pid: p.id })),
  rejectExtension: (p) =>
    form('reject_extension_form', [reason('驳回理由')], act(ACTION.extensionReject, { pid: p.id })),
  decideDispute: (p, unitNames) =>
    form(
      'decide_dispute_form',
      [
        select(
          'lead_unit',
          '新的牵头单位（同意改派时选择）',
          unitNames.map((n) => ({ label: n, value: n })),
        ),
        reason('处理意见'),
        select(
          'decision',
          '处理结果',
          [
            { label: '同意改派', value: 'accept' },
            { label: '驳回申请', value: 'reject' },
          ],
          { required: true },
        ),
      ],
      act(ACTION.disputeDecide, { pid: p.id }),
    ),
  withdraw: (p) => form('withdraw_form', [reason('撤销理由')], act(ACTION.withdraw, { pid: p.id })),
  edit: (p) =>
    form(
      'edit_form',
      [
        input('title', '标题', { value: p.title, maxLength: 200 }),
        input('description', '描述', { value: p.description, multiline: true, maxLength: 5000 }),
        select(
          'category',
          '类别',
          (p.categories ?? CATEGORIES).map((c) => ({ label: c, value: c })),
          { initial: p.category ?? undefined },
        ),
        datePicker('deadline', '整改期限', { initial: p.deadline }),
      ],
      act(ACTION.edit, { pid: p.id }),
    ),
};

export function problemFormElement(p: ProblemView, f: ProblemForm, unitNames: string[]): Element {
  return FORMS[f](p, unitNames);
}

import { ACTION, act } from './actions.js';
import { assignFields } from './assign.js';
import { type Card, card, field, form, hr, input, note, text } from './kit.js';

/** One triage card per anonymous submission: 转为问题 (with a redacted public title) or 不予采纳. */
export function triageCard(
  f: { id: string; text: string; receivedOn: string },
  unitNames: string[],
  /** The open campaigns to put it into, the triager's current one first, and their categories. */
  into: { campaigns: { id: number; name: string }[]; categories: readonly string[] },
): Card {
  // Ids are random (docs/decisions/0004-anonymity.md): the first 8 characters name it for people.
  const short = f.id.slice(0, 8);
  return card(
    `匿名反馈 #${short}`,
    [
      field('收到日期', f.receivedOn),
      text(f.text),
      hr(),
      form(
        `convert_${short}`,
        assignFields(unitNames, { publicTitle: true, ...into }),
        act(ACTION.feedbackConvert, { fid: f.id }),
        '转为问题',
      ),
      form(
        `dismiss_${short}`,
        [input('reason', '不予采纳的理由（将告知反馈人）', { required: true, maxLength: 500 })],
        act(ACTION.feedbackDismiss, { fid: f.id }),
        '不予采纳',
      ),
      note('反馈原文将原样转交承办单位。系统不记录反馈人身份。'),
    ],
    { color: 'purple', enTitle: `Anonymous feedback #${short}` },
  );
}

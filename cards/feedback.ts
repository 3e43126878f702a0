import { type Card, card, field, form, hr, input, note, text } from './kit.js';
import { assignFields } from './problem.js';

/** One triage card per anonymous submission: 转为问题 (with a redacted public title) or 不予采纳. */
export function triageCard(f: { id: number; text: string; receivedOn: string }, unitNames: string[]): Card {
  return card(
    `匿名反馈 #${f.id}`,
    [
      field('收到日期', f.receivedOn),
      text(f.text),
      hr(),
      form(
        `convert_${f.id}`,
        assignFields(unitNames, { publicTitle: true }),
        { action: 'fb.convert', fid: f.id },
        '转为问题',
      ),
      form(
        `dismiss_${f.id}`,
        [input('reason', '不予采纳的理由（将告知反馈人）', { required: true, maxLength: 500 })],
        { action: 'fb.dismiss', fid: f.id },
        '不予采纳',
      ),
      note('反馈原文将原样转交承办单位。系统不记录反馈人身份。'),
    ],
    { color: 'purple', enTitle: `Anonymous feedback #${f.id}` },
  );
}

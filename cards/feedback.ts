import { CATEGORIES, TIMELINESS } from '../src/domain/problem.js';
import { type Card, card, datePicker, field, form, hr, input, note, select, text } from './kit.js';

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
        [
          input('title', '问题标题', { required: true, maxLength: 200 }),
          input('public_title', '公开标题（去除可识别信息，用于公开页面）', { maxLength: 200 }),
          select(
            'lead_unit',
            '牵头单位',
            unitNames.map((n) => ({ label: n, value: n })),
            { required: true },
          ),
          datePicker('deadline', '整改期限', { required: true }),
          select(
            'category',
            '类别',
            CATEGORIES.map((c) => ({ label: c, value: c })),
            { required: true },
          ),
          select(
            'timeliness',
            '时效',
            TIMELINESS.map((c) => ({ label: c, value: c })),
            { initial: '长期整改' },
          ),
        ],
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

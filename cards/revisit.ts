import { formatDateCn } from '../src/domain/dates.js';
import { RATING_LABEL, RATINGS, type Rating } from '../src/domain/satisfaction.js';
import { ACTION, act } from './actions.js';
import { type Card, card, datePicker, type Element, field, form, hr, input, note, text } from './kit.js';

/** What a 回访 card shows of the problem. */
export interface RevisitSubject {
  revisitId: number;
  code: string;
  title: string;
  unitName: string;
  closedOn: string;
}

/**
 * 回访 to a Lark raiser: the problem, an optional comment and one submit button per rating. The
 * button carries the revisit and the rating only; the handler checks the clicker is the raiser.
 */
export function ratingCard(s: RevisitSubject, days: number): Card {
  const submit = (r: Rating) => ({
    tag: 'button',
    name: `rate_${r}`,
    form_action_type: 'submit',
    type: r === 'unsatisfied' ? 'danger' : r === 'satisfied' ? 'primary' : 'default',
    text: { tag: 'plain_text', content: RATING_LABEL[r] },
    behaviors: [{ type: 'callback', value: act(ACTION.revisitRate, { vid: s.revisitId, r }) }],
  });
  return card(
    `回访：${s.code}`,
    [
      text(`您提出的问题「${s.title}」已于${formatDateCn(s.closedOn)}办结（牵头单位：${s.unitName}）。`),
      text('请对办理结果作出评价，每次回访只能评价一次。'),
      {
        tag: 'form',
        name: `revisit_${s.revisitId}`,
        elements: [
          input('comment', '意见（可不填）', { multiline: true, maxLength: 500 }),
          ...RATINGS.map(submit),
        ],
      },
      note(`请于 ${days} 日内评价。`),
    ],
    { color: 'wathet', enTitle: `Follow-up: ${s.code}` },
  );
}

/** The rating card once answered: what was chosen, no buttons. */
export function ratedCard(s: { code: string; title: string }, rating: Rating): Card {
  return card(
    `回访：${s.code}`,
    [text(`您对「${s.title}」的评价：${RATING_LABEL[rating]}。感谢您的反馈。`)],
    { color: rating === 'unsatisfied' ? 'orange' : 'green', enTitle: `Follow-up: ${s.code}` },
  );
}

/** One 不满意件 for staff: 重办 (a new deadline and the reason, told to the unit) or 说明理由. */
export interface UnsatisfiedView {
  revisitId: number;
  code: string;
  title: string;
  unitName: string;
  raiser: string;
  ratedOn: string;
  comment: string | null;
  round: number;
}

export function unsatisfiedCard(v: UnsatisfiedView): Card {
  const els: Element[] = [
    text(`${v.code} ${v.title}`),
    field('牵头单位', v.unitName),
    field('提出人', v.raiser),
    field('评价', `不满意（${formatDateCn(v.ratedOn)}${v.round > 1 ? `，第 ${v.round} 次办结` : ''}）`),
  ];
  if (v.comment) els.push(field('意见', v.comment));
  els.push(
    hr(),
    form(
      `redo_${v.revisitId}`,
      [
        datePicker('new_deadline', '新的整改期限', { required: true }),
        input('reason', '重办理由（将告知承办单位）', { required: true, multiline: true, maxLength: 2000 }),
      ],
      act(ACTION.revisitRedo, { vid: v.revisitId }),
      '重办',
    ),
    form(
      `explain_${v.revisitId}`,
      [input('reason', '说明理由（将告知提出人）', { required: true, multiline: true, maxLength: 2000 })],
      act(ACTION.revisitExplain, { vid: v.revisitId }),
      '说明理由',
    ),
  );
  return card(`不满意件：${v.code}`, els, { color: 'orange', enTitle: `Unsatisfied: ${v.code}` });
}

/** The 不满意件 card once decided. */
export function decidedCard(v: { code: string; title: string }, line: string): Card {
  return card(`不满意件：${v.code}`, [text(`${v.code} ${v.title}`), text(line)], {
    color: 'grey',
    enTitle: `Unsatisfied: ${v.code}`,
  });
}

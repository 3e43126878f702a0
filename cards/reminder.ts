import { formatDateCn } from '../src/domain/dates.js';
import { REMINDER_LABEL, type ReminderKind } from '../src/domain/reminders.js';
import { ACTION, act } from './actions.js';
import { button, buttons, type Card, card, type Element, fitCard, hr, md, note, text } from './kit.js';

export interface ReminderLine {
  problemId: number;
  code: string;
  title: string;
  deadline: string;
  reasons: { kind: ReminderKind; workdays: number }[];
  /** Buttons this person may use on it (fresh: old cards stop working after 14 days). */
  canAcknowledge: boolean;
  canProgress: boolean;
}

const MAX_WITH_BUTTONS = 15;
const MAX_LINES = 50;

/** One message per person per run, listing every problem that needs their attention. */
export function reminderCard(
  today: string,
  lines: ReminderLine[],
  o: { reported: boolean; unconfirmed: boolean },
): Card {
  const red = lines.some((l) => l.reasons.some((r) => r.kind.startsWith('overdue')));
  const build = (shown: ReminderLine[], withButtons: number): Card => {
    const els: Element[] = [text(`以下 ${lines.length} 项问题需要您关注，请及时办理。`)];
    shown.forEach((l, i) => {
      els.push(
        hr(),
        md(`**${l.code}**　${l.reasons.map((r) => REMINDER_LABEL[r.kind](r.workdays)).join('；')}`),
        text(`${l.title}（期限：${formatDateCn(l.deadline)}）`),
      );
      if (i < withButtons) {
        const b: Element[] = [];
        if (l.canAcknowledge)
          b.push(button('签收', act(ACTION.acknowledge, { pid: l.problemId }), 'primary'));
        if (l.canProgress)
          b.push(button('反馈进展', act(ACTION.problemOpen, { pid: l.problemId, form: 'progress' })));
        b.push(button('查看', act(ACTION.problemOpen, { pid: l.problemId })));
        els.push(buttons(b));
      }
    });
    if (o.unconfirmed)
      els.push(note('注：部分日期所在年度的节假日安排尚未发布，工作日按法定节假日推算，未经确认。'));
    return card(`${o.reported ? '【通报】' : ''}督办提醒 · ${formatDateCn(today)}`, els, {
      color: o.reported || red ? 'red' : 'orange',
      enTitle: 'duban reminder',
    });
  };
  // Most urgent first is the caller's order; a long list shows its head and points to /清单.
  // [lines shown, of which with buttons]
  const steps: [[number, number], ...[number, number][]] = [
    [MAX_LINES, MAX_WITH_BUTTONS],
    [30, 10],
    [15, 5],
    [8, 0],
  ];
  return fitCard(
    steps,
    ([shown, withButtons]) => {
      const c = build(lines.slice(0, shown), withButtons);
      if (lines.length > shown)
        c.body.elements.push(note(`及其他 ${lines.length - shown} 项，请发送 /清单 查看。`));
      return c;
    },
    { otherwise: () => build(lines.slice(0, 3), 0) },
  );
}

import { formatDateCn } from '../src/domain/dates.js';
import { REMINDER_LABEL, type ReminderKind } from '../src/domain/reminders.js';
import { type Card, button, buttons, card, CARD_LIMIT_BYTES, cardBytes, type Element, hr, md, note, text } from './kit.js';

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

/** One message per person per run, listing every problem that needs their attention. */
export function reminderCard(today: string, lines: ReminderLine[], o: { reported: boolean; unconfirmed: boolean }): Card {
  const red = lines.some((l) => l.reasons.some((r) => r.kind.startsWith('overdue')));
  const build = (withButtons: number): Card => {
    const els: Element[] = [text(`以下 ${lines.length} 项问题需要您关注，请及时办理。`)];
    lines.forEach((l, i) => {
      els.push(hr(), md(`**${l.code}**　${l.reasons.map((r) => REMINDER_LABEL[r.kind](r.workdays)).join('；')}`), text(`${l.title}（期限：${formatDateCn(l.deadline)}）`));
      if (i < withButtons) {
        const b: Element[] = [];
        if (l.canAcknowledge) b.push(button('签收', { action: 'p.ack', pid: l.problemId }, 'primary'));
        if (l.canProgress) b.push(button('反馈进展', { action: 'p.open', pid: l.problemId, form: 'progress' }));
        b.push(button('查看', { action: 'p.open', pid: l.problemId }));
        els.push(buttons(b));
      }
    });
    if (o.unconfirmed) els.push(note('注：部分日期所在年度的节假日安排尚未发布，工作日按法定节假日推算，未经确认。'));
    return card(`${o.reported ? '【通报】' : ''}督办提醒 · ${formatDateCn(today)}`, els, { color: o.reported || red ? 'red' : 'orange', enTitle: 'duban reminder' });
  };
  let n = Math.min(lines.length, MAX_WITH_BUTTONS);
  let c = build(n);
  while (cardBytes(c) > CARD_LIMIT_BYTES && n > 0) c = build((n = Math.floor(n / 2)));
  if (cardBytes(c) > CARD_LIMIT_BYTES) {
    // Still too large: keep the first lines and point to /清单 for the rest.
    let keep = lines.length;
    while (keep > 1 && cardBytes(c) > CARD_LIMIT_BYTES) {
      keep = Math.floor(keep * 0.7);
      c = reminderCard(today, lines.slice(0, keep), o);
      c.body.elements.push(note(`及其他 ${lines.length - keep} 项，请发送 /清单 查看。`));
    }
  }
  return c;
}

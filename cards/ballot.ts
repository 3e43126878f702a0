import { formatInstantCn } from '../src/domain/dates.js';
import { CHOICE_LABEL, CHOICES } from '../src/domain/tally.js';
import { ACTION, act } from './actions.js';
import { type Card, card, type Element, form, md, note, select, text } from './kit.js';

/** Form field of a unit's choice on the card and on the web page. */
export const unitField = (unitId: number) => `u_${unitId}`;

export interface BallotView {
  evaluationId: number;
  name: string;
  closesAt: Date | null;
  units: { id: number; name: string }[];
  timezone: string;
  /** The vote's campaign (议题). */
  campaignName?: string;
}

export const SECRECY_NOTE =
  '本次测评不记名：系统只记录您是否已投票，不记录您的选择；选择只计入各单位的合计票数，测评结束时统计后即删除原始选票。';

/**
 * The ballot: one 满意 / 基本满意 / 不满意 select per evaluated unit, submitted once. The card
 * carries the vote's id only; who may vote is decided again on the server.
 */
export function ballotCard(v: BallotView): Card {
  const fields: Element[] = [];
  v.units.forEach((u, i) => {
    fields.push(
      text(`${i + 1}. ${u.name}`),
      select(
        unitField(u.id),
        `对${u.name}的评价`,
        CHOICES.map((c) => ({ label: CHOICE_LABEL[c], value: c })),
        { required: true },
      ),
    );
  });
  return card(
    '满意度测评选票',
    [
      text(
        `${v.name}：请对以下 ${v.units.length} 个评议对象分别作出评价（满意 / 基本满意 / 不满意），全部选择后提交。`,
      ),
      ...(v.campaignName ? [md(`**议题**：${v.campaignName}`)] : []),
      ...(v.closesAt ? [md(`**截止时间**：${formatInstantCn(v.closesAt, v.timezone)}`)] : []),
      form('ballot_form', fields, act(ACTION.ballot, { eid: v.evaluationId })),
      note(`每人限投一次，提交后不能更改。${SECRECY_NOTE}`),
    ],
    { color: 'indigo', enTitle: 'Satisfaction ballot' },
  );
}

/** The clicked ballot after a successful submission: says it counted, never what was chosen. */
export function ballotCastCard(name: string): Card {
  return card(
    '满意度测评选票 · 已提交',
    [text(`您已完成「${name}」的投票，感谢参与。`), note(SECRECY_NOTE)],
    {
      color: 'green',
      enTitle: 'Ballot submitted',
    },
  );
}

/** Every copy of the ballot once the vote has closed. */
export function ballotClosedCard(name: string): Card {
  return card('满意度测评选票 · 已结束', [text(`「${name}」已结束投票，感谢参与。`)], {
    color: 'grey',
    enTitle: 'Vote closed',
  });
}

import { formatInstantCn } from '../src/domain/dates.js';
import { type ProblemState, STATE_LABEL } from '../src/domain/problem.js';
import type { EvidenceItem } from '../src/domain/problem-view.js';
import { ACTION, act } from './actions.js';
import { button, buttons, type Card, card, type Element, image, type Json, note, text } from './kit.js';

/** Cards about 佐证材料 (evidence): which problem a file belongs to, and the list a viewer opens. */

export interface PickableProblem {
  id: number;
  code: string;
  title: string;
  deadline: string;
  state: string;
}

const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Asked when a file came without reply context: one button per open problem of the sender. */
export function evidencePickCard(
  fileName: string,
  list: PickableProblem[],
  value: (p: PickableProblem) => Json,
): Card {
  const els: Element[] = [
    text(`已收到「${fileName}」。请选择它属于哪个问题：`),
    ...list.map((p) => buttons([button(short(`${p.code} ${p.title}`, 40), value(p), 'default')])),
    note(`以上是您负责的未办结问题（按整改期限由晚到早列出）。以后直接回复问题卡片发送材料即可，无需选择。`),
  ];
  return card('这份材料属于哪个问题？', els, { color: 'blue', enTitle: 'Which problem is this for?' });
}

/** The pick card after a choice: no buttons left to click twice. */
export function evidencePickedCard(
  fileName: string,
  p: { code: string; title: string; state?: ProblemState },
): Card {
  return card(
    '正在保存佐证材料',
    [
      text(
        `「${fileName}」将附到 ${p.code} ${p.title}${p.state ? `（${STATE_LABEL[p.state] ?? p.state}）` : ''}，保存后会回复您。`,
      ),
    ],
    {
      color: 'green',
      enTitle: 'Saving evidence',
    },
  );
}

const kb = (size: number) =>
  size >= 1024 * 1024
    ? `${(size / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(size / 1024))} KB`;

/**
 * The evidence of one problem for a viewer: images shown in the card (by a key the bot owns),
 * a 查看 button per item that re-sends the file to the viewer's one-to-one chat.
 */
export function evidenceListCard(
  p: { id: number; code: string; title: string },
  items: EvidenceItem[],
  tz: string,
  o: { resent?: number } = {},
): Card {
  const els: Element[] = [];
  const shown = items.slice(0, 20);
  for (const e of shown) {
    if (e.kind === 'image' && e.fileKey) els.push(image(e.fileKey, e.name));
    els.push(text(`${e.name}（${kb(e.size)}，${e.uploadedByName}，${formatInstantCn(e.uploadedAt, tz)}）`));
    els.push(
      buttons([
        button(e.kind === 'image' ? '查看原图' : '查看', act(ACTION.evidenceSend, { pid: p.id, eid: e.id })),
      ]),
    );
  }
  if (!items.length) els.push(text('尚无佐证材料。'));
  if (items.length > shown.length) els.push(note(`另有 ${items.length - shown.length} 件较早的材料未列出。`));
  if (o.resent) els.push(note(`最近的 ${o.resent} 个文件已一并发送给您；其余请点「查看」。`));
  return card(short(`佐证材料：${p.code} ${p.title}`, 100), els, {
    color: 'blue',
    enTitle: `Evidence ${p.code}`,
  });
}

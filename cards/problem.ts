import { formatDateCn, formatInstantCn } from '../src/domain/dates.js';
import { STATE_LABEL } from '../src/domain/problem.js';
import type { Capability, EvidenceItem, HistoryItem, ProblemView } from '../src/domain/problem-view.js';
import { ACTION, act, type ProblemForm } from './actions.js';
import {
  button,
  buttons,
  type Card,
  card,
  type Element,
  escapeMd,
  field,
  type HeaderColor,
  hr,
  image,
  md,
  note,
  text,
} from './kit.js';
import { problemFormElement } from './problem-forms.js';

export type { ProblemForm } from './actions.js';

export interface ProblemCardOptions {
  caps: Set<Capability>;
  /** 配合: the viewer's copy as a cooperating unit. */
  asCo?: boolean;
  /** An open form (after its button was clicked). */
  form?: ProblemForm;
  history?: HistoryItem[];
  evidence?: EvidenceItem[];
  timezone: string;
  /** A line at the top: why this card came (提醒, 决定通知…). */
  banner?: string;
  unitNames?: string[];
}

const COLOR: Record<string, HeaderColor> = {
  assigned: 'orange',
  acknowledged: 'blue',
  in_progress: 'wathet',
  closure_requested: 'violet',
  closed: 'green',
  withdrawn: 'grey',
};

const KIND_LABEL: Record<string, string> = {
  assigned: '交办',
  acknowledged: '签收',
  progress: '反馈进展',
  evidence: '提交佐证材料',
  closure_requested: '申请销号',
  closure_approved: '同意销号',
  closure_returned: '退回整改',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_rejected: '驳回延期',
  dispute_requested: '申请改派',
  dispute_accepted: '同意改派',
  dispute_rejected: '驳回改派',
  edited: '修改',
  withdrawn: '撤销',
  reopened: '重新整改',
  reinspection_confirmed: '回头看',
  contact_added: '联络员变更',
  undelivered: '未送达',
  document: '制发公文',
  revisit_explained: '回访说明理由',
};

export function deadlineText(p: ProblemView): string {
  let s = formatDateCn(p.deadline);
  if (p.overdueWorkdays && p.overdueWorkdays > 0) s += `（已逾期 ${p.overdueWorkdays} 个工作日）`;
  if (!p.calendarConfirmed) s += '（该年度节假日安排未经确认，按法定节假日推算）';
  return s;
}

/** The button that opens one of the card's forms. */
const formValue = (p: ProblemView, f: ProblemForm) => act(ACTION.problemForm, { pid: p.id, form: f });

function actionButtons(p: ProblemView, caps: Set<Capability>): Element[] {
  const b: Element[] = [];
  if (caps.has('acknowledge')) b.push(button('签收', act(ACTION.acknowledge, { pid: p.id }), 'primary'));
  if (caps.has('progress'))
    b.push(button('反馈进展', formValue(p, 'progress'), caps.has('acknowledge') ? 'default' : 'primary'));
  if (caps.has('requestClosure')) b.push(button('申请销号', formValue(p, 'closure')));
  if (caps.has('requestExtension')) b.push(button('申请延期', formValue(p, 'extension')));
  if (caps.has('requestDispute')) b.push(button('申请改派', formValue(p, 'dispute')));
  const closure = p.pending.find((r) => r.kind === 'closure');
  if (caps.has('decideClosure') && closure) {
    b.push(
      button('同意销号', act(ACTION.closureApprove, { pid: p.id }), 'primary', {
        confirm: `确认同意 ${p.code} 销号？`,
      }),
    );
    b.push(button('退回整改', formValue(p, 'return'), 'danger'));
  }
  const ext = p.pending.find((r) => r.kind === 'extension');
  if (caps.has('decideExtension') && ext) {
    b.push(button('同意延期', act(ACTION.extensionApprove, { pid: p.id }), 'primary'));
    b.push(button('驳回延期', formValue(p, 'rejectExtension'), 'danger'));
  }
  if (caps.has('decideDispute') && p.pending.some((r) => r.kind === 'dispute'))
    b.push(button('处理改派申请', formValue(p, 'decideDispute'), 'primary'));
  if (caps.has('viewEvidence') && p.evidenceCount > 0)
    b.push(button('查看材料', act(ACTION.evidenceList, { pid: p.id })));
  if (caps.has('withdraw')) b.push(button('撤销', formValue(p, 'withdraw'), 'danger'));
  return b;
}

export function historyLines(items: HistoryItem[], tz: string, max = 20): string[] {
  const shown = items.slice(-max);
  const lines = shown.map((h) => {
    const who = h.unitName ? `${h.actorName}（${h.unitName}）` : h.actorName;
    const extra = [
      h.data?.percent !== undefined && h.data?.percent !== null ? `完成 ${String(h.data.percent)}%` : '',
      h.data?.outcome ? `成效：${String(h.data.outcome)}` : '',
    ]
      .filter(Boolean)
      .join('；');
    return `${formatInstantCn(h.at, tz)} ${who} ${KIND_LABEL[h.kind] ?? h.kind}${h.text ? `：${h.text}` : ''}${extra ? `（${extra}）` : ''}`;
  });
  if (items.length > shown.length) lines.unshift(`（更早的 ${items.length - shown.length} 条记录略）`);
  return lines;
}

/** The card about one problem, built for one viewer: their buttons, their open form. */
export function problemCard(p: ProblemView, o: ProblemCardOptions): Card {
  const els: Element[] = [];
  if (o.banner) els.push(text(o.banner));
  els.push(
    text(
      `状态：${STATE_LABEL[p.state]}${p.pending.length ? `（${p.pending.map((r) => (r.kind === 'closure' ? '待销号审核' : r.kind === 'extension' ? '延期申请待审核' : '改派申请待处理')).join('、')}）` : ''}`,
    ),
    field('牵头单位', `${p.leadUnit.name}${p.underEvaluation ? ' 【评议对象】' : ''}`),
  );
  if (p.coUnits.length) els.push(field('配合单位', p.coUnits.map((u) => u.name).join('、')));
  els.push(field('整改期限', deadlineText(p)));
  els.push(field('类别', `${p.category ?? '未分类'} · ${p.timeliness} · 来源：${p.source}`));
  if (p.group) els.push(field('督导组', p.group.name));
  if (p.progressPct !== null) els.push(field('完成比例', `${p.progressPct}%`));
  // Plain text, so the card's JSON holds the exact lines README.md names (状态：… / 佐证材料：N 件).
  els.push(text(`佐证材料：${p.evidenceCount} 件`));
  if (p.description) els.push(hr(), text(p.description));
  for (const r of p.pending) {
    const label =
      r.kind === 'closure'
        ? '销号申请'
        : r.kind === 'extension'
          ? `延期申请（申请延至${formatDateCn(r.newDeadline ?? p.deadline)}）`
          : '改派申请';
    els.push(
      hr(),
      md(`**${label}**（${escapeMd(r.requestedByName)}${r.unitName ? `，${escapeMd(r.unitName)}` : ''}）`),
      text(r.text),
    );
  }
  if (o.history?.length)
    els.push(hr(), md('**办理记录**'), text(historyLines(o.history, o.timezone).join('\n')));
  if (o.evidence?.length) {
    els.push(hr(), md('**佐证材料清单**'));
    for (const e of o.evidence.slice(0, 20)) {
      if (e.kind === 'image' && e.fileKey) els.push(image(e.fileKey, e.name));
      els.push(
        text(
          `${e.name}（${Math.max(1, Math.round(e.size / 1024))} KB，${e.uploadedByName}，${formatInstantCn(e.uploadedAt, o.timezone)}）`,
        ),
      );
    }
    const files = o.evidence.filter((e) => e.kind !== 'image').slice(0, 10);
    if (files.length)
      els.push(
        buttons(
          files.map((e) =>
            button(`查看：${e.name.slice(0, 20)}`, act(ACTION.evidenceSend, { pid: p.id, eid: e.id })),
          ),
        ),
      );
  }
  const acts = actionButtons(p, o.caps);
  if (o.form) {
    els.push(hr(), problemFormElement(p, o.form, o.unitNames ?? []));
  } else if (acts.length) {
    els.push(hr(), buttons(acts));
  }
  if (o.caps.has('progress') || o.caps.has('requestClosure'))
    els.push(note('提交佐证材料：请直接回复本卡片发送图片或文件。'));
  const title = `${o.asCo ? '【配合】' : ''}${p.code} ${p.title}`;
  return card(title.length > 100 ? `${title.slice(0, 99)}…` : title, els, {
    color: COLOR[p.state] ?? 'blue',
    enTitle: `Problem ${p.code}`,
  });
}

/** What a copy becomes once its holder no longer handles the problem: the code, nothing more. */
export function revokedCard(code: string): Card {
  return card(code, [text('此问题已不由您处理。')], { color: 'grey', enTitle: code });
}

import { formatDateCn } from '../src/domain/dates.js';
import { ACTION, act } from './actions.js';
import { button, buttons, type Card, card, type Element, form, md, note, select, text } from './kit.js';

/**
 * Cards of the spreadsheet import: the preview (rows ready, errors by row, unknown units to tick),
 * then what happened after 确认导入. File contents are user text: plain_text only.
 */
/** The multi-select of unknown units to create, in the preview's form. */
export const NEW_UNITS_FIELD = 'new_units';

export interface RowIssueView {
  sheet: string;
  row: number;
  messages: string[];
}

export interface ImportPreviewView {
  /** The draft to confirm; absent when there is nothing to confirm (errors, or nothing new). */
  id?: string;
  /** The campaign the rows go into. */
  campaignName: string;
  fileName: string;
  problemSheet?: string;
  /** Problem rows read (the example row not counted). */
  total: number;
  ready: { row: number; title: string; leadUnit: string; coUnits: string[]; deadline: string }[];
  existing: number;
  errors: RowIssueView[];
  unknown: { name: string; rows: number[]; suggestions: string[] }[];
  newUnits: { name: string; shortName: string | null }[];
  contacts: { unit: string; names: string[] }[];
  skipped: { sheet: string; row: number; reason: string }[];
}

/** The card lists at most this many error rows; the rest follow as text (every error is reported). */
export const ERRORS_SHOWN = 40;
const READY_SHOWN = 10;
/** More unknown names than this is a wrong column or a list of new units: register them in the units sheet. */
export const MAX_UNKNOWN_UNITS = 50;

/** "a、b、c等 N 个": long lists stay short on a card (Lark refuses cards over 30 KB). */
const some = (items: string[], max: number, unit: string) =>
  items.length > max ? `${items.slice(0, max).join('、')}等 ${items.length} ${unit}` : items.join('、');

const rowsLabel = (rows: number[]) =>
  rows.length > 8 ? `第 ${rows.slice(0, 8).join('、')} 等 ${rows.length} 行` : `第 ${rows.join('、')} 行`;

export function issueLine(e: RowIssueView, problemSheet?: string): string {
  const where = e.sheet === problemSheet ? `第 ${e.row} 行` : `「${e.sheet}」第 ${e.row} 行`;
  return `${where}：${e.messages.join('；')}`;
}

/** The unknown unit names, with the rows they stand in and what they may have meant. */
function unknownElements(unknown: ImportPreviewView['unknown']): Element[] {
  const els: Element[] = [];
  const tooManyUnknown = unknown.length > MAX_UNKNOWN_UNITS;
  els.push(md('**未登记的单位**（勾选后随导入新建；如是写错，请改正文件后重新发送）：'));
  const lines = unknown
    .slice(0, MAX_UNKNOWN_UNITS)
    .map(
      (u) =>
        `${u.name}（${rowsLabel(u.rows)}）${u.suggestions.length ? `　您是否要找：${u.suggestions.join('、')}？` : ''}`,
    );
  if (tooManyUnknown) lines.push(`……共 ${unknown.length} 个`);
  els.push(text(lines.join('\n')));
  if (tooManyUnknown)
    els.push(
      text(
        `未登记的单位超过 ${MAX_UNKNOWN_UNITS} 个，未导入。请在「单位与联络员」表中登记这些单位（或改正单位名称）后重新发送。`,
        { color: 'red' },
      ),
    );
  return els;
}

/** 确认导入 (a form when there are unknown units to tick) and 取消. */
function confirmElements(v: ImportPreviewView, id: string): Element[] {
  const value = act(ACTION.importConfirm, { id });
  const cancel = button('取消', act(ACTION.importCancel, { id }));
  const confirm = `确认导入并交办 ${v.ready.length} 件问题？交办卡片会立即发给各单位联络员。`;
  const els: Element[] = v.unknown.length
    ? [
        form(
          'import_form',
          [
            select(
              NEW_UNITS_FIELD,
              '要新建的单位',
              v.unknown.map((u) => ({ label: u.name, value: u.name })),
              { multi: true },
            ),
          ],
          value,
          '确认导入',
        ),
        buttons([cancel]),
      ]
    : [buttons([button('确认导入', value, 'primary_filled', { confirm }), cancel])];
  els.push(note('确认后一次性导入全部行：任何一行导入失败，则全部不导入。'));
  return els;
}

/** The preview; `errorsShown` shrinks when a card with long error lines would pass Lark's size limit. */
export function importPreviewCard(v: ImportPreviewView, errorsShown = ERRORS_SHOWN): Card {
  const els: Element[] = [];
  const bad = v.errors.length > 0 || v.unknown.length > MAX_UNKNOWN_UNITS;
  els.push(text(`导入议题：${v.campaignName}`));
  els.push(
    note(
      `文件「${v.fileName}」${v.problemSheet ? `，工作表「${v.problemSheet}」共 ${v.total} 行问题` : '，没有问题清单工作表'}。`,
    ),
  );
  els.push(
    md(
      `可导入 **${v.ready.length}** 行；已存在 **${v.existing}** 行，跳过${v.errors.length ? `；**有误 ${v.errors.length} 行**` : ''}。`,
    ),
  );
  if (v.errors.length) {
    els.push(md('**以下行有误。文件有误时不导入任何内容，请修改后重新发送文件：**'));
    const shown = v.errors.slice(0, errorsShown).map((e) => issueLine(e, v.problemSheet));
    if (v.errors.length > errorsShown)
      shown.push(`……另有 ${v.errors.length - errorsShown} 行有误，完整清单见下一条消息。`);
    els.push(text(shown.join('\n'), { color: 'red' }));
  }
  if (v.unknown.length) els.push(...unknownElements(v.unknown));
  if (v.newUnits.length) {
    const names = v.newUnits.map((u) => (u.shortName ? `${u.name}（${u.shortName}）` : u.name));
    els.push(text(`将新建单位（来自「单位与联络员」表）：${some(names, 30, '个')}`));
  }
  if (v.contacts.length) {
    const people = v.contacts.reduce((n, c) => n + c.names.length, 0);
    const listed = v.contacts.slice(0, 15).map((c) => `${c.unit} ${some(c.names, 5, '人')}`);
    const more = v.contacts.length > 15 ? `……共 ${v.contacts.length} 个单位 ${people} 人` : '';
    els.push(text(`将添加联络员：${listed.join('；')}${more}`));
  }
  if (v.ready.length) {
    const lines = v.ready
      .slice(0, READY_SHOWN)
      .map(
        (r) =>
          `第 ${r.row} 行　${r.title}\n　牵头：${r.leadUnit}${r.coUnits.length ? `　配合：${r.coUnits.join('、')}` : ''}　期限：${formatDateCn(r.deadline)}`,
      );
    if (v.ready.length > READY_SHOWN) lines.push(`……共 ${v.ready.length} 行`);
    els.push(md(bad ? '**其余可导入的行：**' : '**将交办：**'), text(lines.join('\n')));
  }
  for (const s of v.skipped) els.push(note(`「${s.sheet}」第 ${s.row} 行：${s.reason}`));
  if (v.id) els.push(...confirmElements(v, v.id));
  else if (!bad && !v.ready.length) els.push(note('没有需要导入的新内容。'));
  return card(bad ? '导入问题清单：文件有误' : '导入问题清单（待确认）', els, {
    color: bad ? 'red' : 'orange',
    enTitle: bad ? 'Import: errors in the file' : 'Import the problem list (to confirm)',
  });
}

/** After 确认导入: the commit runs as a job (a large list takes longer than a click may wait). */
export function importRunningCard(fileName: string, rows: number, by: string): Card {
  return card(
    '正在导入问题清单',
    [text(`${by}已确认导入「${fileName}」，正在交办 ${rows} 件问题，完成后会在此更新。`)],
    { color: 'blue', enTitle: 'Importing' },
  );
}

export interface ImportDoneView {
  fileName: string;
  codes: string[];
  existing: number;
  unitsCreated: string[];
  contactsAdded: number;
  warnings: string[];
  by: string;
}

export function importSummary(v: Omit<ImportDoneView, 'by' | 'warnings' | 'fileName'>): string {
  const parts = [
    v.codes.length
      ? `已导入并交办 ${v.codes.length} 件问题（${v.codes.length > 1 ? `${v.codes[0]} 至 ${v.codes.at(-1)}` : v.codes[0]}）`
      : '没有新的问题需要交办',
  ];
  if (v.existing) parts.push(`已存在 ${v.existing} 行，跳过`);
  if (v.unitsCreated.length)
    parts.push(`新建单位 ${v.unitsCreated.length} 个：${some(v.unitsCreated, 20, '个')}`);
  if (v.contactsAdded) parts.push(`添加联络员 ${v.contactsAdded} 人`);
  return `${parts.join('；')}。`;
}

export function importDoneCard(v: ImportDoneView): Card {
  const els: Element[] = [text(importSummary(v)), note(`「${v.fileName}」由${v.by}确认导入。`)];
  if (v.warnings.length) els.push(text(v.warnings.map((w) => `注意：${w}`).join('\n'), { color: 'orange' }));
  return card('已导入问题清单', els, { color: 'green', enTitle: 'Problem list imported' });
}

export function importFailedCard(fileName: string, reason: string): Card {
  return card(
    '导入问题清单：未导入',
    [text(reason, { color: 'red' }), note(`「${fileName}」没有导入任何内容。请修改后重新发送文件。`)],
    { color: 'red', enTitle: 'Import failed' },
  );
}

export function importCancelledCard(fileName: string, by: string): Card {
  return card('导入问题清单（已取消）', [note(`${by}已取消导入「${fileName}」，未作任何改动。`)], {
    color: 'grey',
  });
}

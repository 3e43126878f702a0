import ExcelJS from 'exceljs';
import { invalid } from '../../domain/errors.js';
import { cleanText } from '../../domain/text.js';
import {
  EXAMPLE_MARK,
  GUIDE_SHEET,
  headerIndex,
  KNOWN_UNITS_SHEET,
  normalizeHeader,
  PROBLEM_COLUMNS,
  type ProblemField,
  UNIT_COLUMNS,
  type UnitField,
} from './columns.js';
import { assertUnzippedSize } from './unzip-guard.js';

/**
 * Reads an .xlsx workbook into plain rows of text: the problem sheet and the optional units sheet,
 * each found by its headers. Pure (no database): validation is the next step (validate.ts).
 */

export type RawProblemRow = { row: number } & Record<ProblemField, string>;
export type RawUnitRow = { row: number } & Record<UnitField, string>;

export interface WorkbookContent {
  problemSheet?: string;
  problems: RawProblemRow[];
  unitSheet?: string;
  units: RawUnitRow[];
  /** Rows left out on purpose (the template's example row). */
  skipped: { sheet: string; row: number; reason: string }[];
}

/** One transaction imports them all and the preview card lists them: keep a file to a campaign's size. */
export const MAX_PROBLEM_ROWS = 1000;
export const MAX_UNIT_ROWS = 500;
/** Headers may sit below a title row or two. */
const HEADER_SCAN_ROWS = 10;

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** Excel's day numbers (1900 system) between 1954 and 2119: a date cell that lost its format. */
function fromSerial(n: number): string | undefined {
  if (!Number.isFinite(n) || n < 20_000 || n > 80_000) return undefined;
  return ymd(new Date(Date.UTC(1899, 11, 30) + Math.round(n) * 86_400_000));
}

/**
 * A cell as text. exceljs gives date cells as Dates at UTC midnight of the wall date (a second off
 * when Excel stored 23:59:59.999), rich text as runs, formulas with their cached result.
 */
export function cellText(v: ExcelJS.CellValue, asDate = false): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return cleanText(v).trim();
  if (typeof v === 'number') return (asDate ? fromSerial(v) : undefined) ?? String(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return ymd(new Date(Math.floor((v.getTime() + 1000) / 86_400_000) * 86_400_000));
  if ('richText' in v) return cleanText(v.richText.map((r) => r.text).join('')).trim();
  if ('hyperlink' in v) return cellText(v.text as ExcelJS.CellValue, asDate);
  if ('formula' in v || 'sharedFormula' in v) return cellText(v.result ?? null, asDate);
  return '';
}

interface Located<K extends string> {
  sheet: ExcelJS.Worksheet;
  headerRow: number;
  columns: Map<K, number>;
}

function locate<K extends string>(ws: ExcelJS.Worksheet, index: Map<string, K>): Located<K> | undefined {
  let best: Located<K> | undefined;
  const last = Math.min(ws.rowCount, HEADER_SCAN_ROWS);
  for (let r = 1; r <= last; r++) {
    const columns = new Map<K, number>();
    ws.getRow(r).eachCell((cell, col) => {
      const key = index.get(normalizeHeader(cellText(cell.value)));
      if (key && !columns.has(key)) columns.set(key, col);
    });
    if (columns.size > (best?.columns.size ?? 1)) best = { sheet: ws, headerRow: r, columns };
  }
  return best;
}

function readRows<K extends string>(
  at: Located<K>,
  keys: readonly K[],
  dateKeys: readonly K[],
  max: number,
): ({ row: number } & Record<K, string>)[] {
  const out: ({ row: number } & Record<K, string>)[] = [];
  for (let r = at.headerRow + 1; r <= at.sheet.rowCount; r++) {
    const row = at.sheet.getRow(r);
    const rec = { row: r } as { row: number } & Record<K, string>;
    let any = false;
    for (const k of keys) {
      const col = at.columns.get(k);
      const v = col ? cellText(row.getCell(col).value, dateKeys.includes(k)) : '';
      (rec as Record<K, string>)[k] = v;
      if (v) any = true;
    }
    if (!any) continue;
    if (out.length >= max) throw invalid(`「${at.sheet.name}」超过 ${max} 行，请分成几个文件导入。`);
    out.push(rec);
  }
  return out;
}

export async function readWorkbook(bytes: Uint8Array): Promise<WorkbookContent> {
  assertUnzippedSize(bytes);
  const wb = new ExcelJS.Workbook();
  try {
    // A copy: exceljs wants an ArrayBuffer of exactly the file (a Node Buffer may be a pool slice).
    await wb.xlsx.load(new Uint8Array(bytes).buffer);
  } catch {
    throw invalid('无法读取该文件。请确认它是 Excel 工作簿（.xlsx，Excel 2007 及以上版本保存），未加密。');
  }
  const pIndex = headerIndex(PROBLEM_COLUMNS);
  const uIndex = headerIndex(UNIT_COLUMNS);
  let problems: Located<ProblemField> | undefined;
  let units: Located<UnitField> | undefined;
  for (const ws of wb.worksheets) {
    if (ws.name === KNOWN_UNITS_SHEET || ws.name === GUIDE_SHEET) continue;
    const p = locate(ws, pIndex);
    if (p?.columns.has('title') && !problems) {
      problems = p;
      continue;
    }
    const u = locate(ws, uIndex);
    if (u?.columns.has('name') && !units) units = u;
  }
  if (!problems && !units)
    throw invalid(
      '文件中没有找到问题清单：表头应包含「问题标题」「牵头单位」「期限」等列。发送 /导入模板 可获取模板。',
    );
  const content: WorkbookContent = { problems: [], units: [], skipped: [] };
  if (problems) {
    const missing = PROBLEM_COLUMNS.filter((c) => c.required && !problems.columns.has(c.key)).map(
      (c) => c.header,
    );
    if (missing.length)
      throw invalid(
        `「${problems.sheet.name}」缺少必填列：${missing.join('、')}（表头在第 ${problems.headerRow} 行）。发送 /导入模板 可获取模板。`,
      );
    content.problemSheet = problems.sheet.name;
    const rows = readRows(
      problems,
      PROBLEM_COLUMNS.map((c) => c.key),
      ['deadline'],
      MAX_PROBLEM_ROWS,
    );
    for (const r of rows) {
      if (r.no === EXAMPLE_MARK)
        content.skipped.push({ sheet: problems.sheet.name, row: r.row, reason: '示例行，未导入' });
      else content.problems.push(r);
    }
  }
  if (units) {
    content.unitSheet = units.sheet.name;
    content.units = readRows(
      units,
      UNIT_COLUMNS.map((c) => c.key),
      [],
      MAX_UNIT_ROWS,
    );
  }
  return content;
}

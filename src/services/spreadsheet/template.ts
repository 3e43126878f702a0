import ExcelJS from 'exceljs';
import { categoriesOf } from '../../domain/campaign.js';
import { SOURCES, TIMELINESS } from '../../domain/problem.js';
import { mustStaff } from '../auth.js';
import { currentCampaign } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { allUnits } from '../units/read.js';
import {
  type ColumnSpec,
  EXAMPLE_MARK,
  GUIDE_SHEET,
  KNOWN_UNITS_SHEET,
  PROBLEM_COLUMNS,
  PROBLEM_SHEET,
  UNIT_COLUMNS,
  UNIT_SHEET,
} from './columns.js';
import { setUpSheet, toBytes } from './style.js';

/** `/导入模板`: the import workbook with an example row, drop-downs, notes and the units known today. */
export const TEMPLATE_FILE_NAME = '督办问题清单导入模板.xlsx';
/** Rows that carry the drop-downs: a campaign's list fits; more rows can still be typed. */
const VALIDATED_ROWS = 500;

export const EXAMPLE_ROW: Record<string, string> = {
  no: EXAMPLE_MARK,
  title: '企业开办材料重复提交',
  description: '企业反映在政务服务中心办理开办手续时，营业执照等材料需在多个窗口重复提交。',
  leadUnit: '市政数局',
  coUnits: '市市场监管局、市税务局',
  category: '政务服务环境',
  timeliness: '立行立改',
  deadline: '20个工作日',
  source: '走访',
};

function headed<K extends string>(ws: ExcelJS.Worksheet, cols: ColumnSpec<K>[]) {
  setUpSheet(
    ws,
    cols.map((c) => ({
      key: c.key,
      header: c.header,
      width: c.width,
      wrap: c.key === 'title' || c.key === 'description',
    })),
  );
  cols.forEach((c, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    cell.note = c.note;
    if (c.required) cell.font = { bold: true, color: { argb: 'FFC00000' } };
  });
}

function dropDown(ws: ExcelJS.Worksheet, column: number, values: readonly string[], title: string) {
  // Excel refuses a list validation over 255 characters: a campaign with many long categories
  // gets none (the import still checks every row and names the allowed ones).
  if (values.join(',').length > 255) return;
  for (let r = 2; r <= VALIDATED_ROWS + 1; r++)
    ws.getRow(r).getCell(column).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${values.join(',')}"`],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: title,
      error: `请选择：${values.join('、')}`,
    };
}

export async function importTemplate(ctx: ServiceCtx): Promise<{ fileName: string; bytes: Buffer }> {
  mustStaff(ctx.actor, '导入问题清单');
  const wb = new ExcelJS.Workbook();
  wb.creator = '督办助手';
  wb.created = ctx.now;

  const ws = wb.addWorksheet(PROBLEM_SHEET);
  headed(ws, PROBLEM_COLUMNS);
  const example = ws.addRow(EXAMPLE_ROW);
  example.font = { italic: true, color: { argb: 'FF808080' } };
  const col = (k: string) => PROBLEM_COLUMNS.findIndex((c) => c.key === k) + 1;
  // The asker's current campaign's categories: the import checks against the same list.
  dropDown(ws, col('category'), categoriesOf(await currentCampaign(ctx.tx, ctx.actor.openId)), '类别');
  dropDown(ws, col('timeliness'), TIMELINESS, '时效');
  dropDown(ws, col('source'), SOURCES, '来源');

  const us = wb.addWorksheet(UNIT_SHEET);
  headed(us, UNIT_COLUMNS);

  const known = wb.addWorksheet(KNOWN_UNITS_SHEET);
  setUpSheet(known, [
    { key: 'name', header: '单位全称', width: 34 },
    { key: 'shortName', header: '简称', width: 16 },
    { key: 'aliases', header: '别名', width: 24 },
  ]);
  for (const u of await allUnits(ctx.tx))
    known.addRow({ name: u.name, shortName: u.shortName ?? '', aliases: u.aliases.join('、') });

  const guide = wb.addWorksheet(GUIDE_SHEET);
  guide.columns = [
    { key: 'k', width: 14 },
    { key: 'v', width: 90, style: { alignment: { wrapText: true, vertical: 'top' } } },
  ];
  guide.addRow([
    '导入步骤',
    '1. 在「问题清单」逐行填写问题（第 2 行是示例，序号为「示例」的行不会导入，可删除）。\n2. 如需同时登记单位和联络员，填写「单位与联络员」。\n3. 把文件直接发给督办助手（不要回复某张卡片），核对预览后点击「确认导入」。',
  ]);
  guide.addRow([
    '全部或全不',
    '文件中任何一行有误，都不会导入任何内容；预览会逐行列出错误，改正后重新发送即可。',
  ]);
  guide.addRow([
    '不会重复',
    '再次导入同一文件，或与已导入内容重叠的文件，已导入的行会跳过（预览中显示「已存在 N 行，跳过」）。',
  ]);
  for (const c of [...PROBLEM_COLUMNS, ...UNIT_COLUMNS]) guide.addRow([c.header, c.note]);
  guide.getColumn('k').font = { bold: true };

  return { fileName: TEMPLATE_FILE_NAME, bytes: await toBytes(wb) };
}

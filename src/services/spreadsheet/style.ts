import type ExcelJS from 'exceljs';

/** The look every workbook we send shares: a bold, shaded, frozen header with a filter; dates as dates. */

export const DATE_FORMAT = 'yyyy-mm-dd';

export interface SheetColumn {
  key: string;
  header: string;
  width: number;
  /** A date column: cells hold Dates shown as 2026-12-31. */
  date?: boolean;
  numFmt?: string;
  wrap?: boolean;
}

export function setUpSheet(ws: ExcelJS.Worksheet, columns: SheetColumn[]): void {
  ws.columns = columns.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.width,
    style: {
      ...(c.date ? { numFmt: DATE_FORMAT } : c.numFmt ? { numFmt: c.numFmt } : {}),
      alignment: { vertical: 'top', wrapText: c.wrap ?? false },
    },
  }));
  const head = ws.getRow(1);
  head.height = 22;
  head.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF8EA9C1' } } };
  });
  // The header stays in view while scrolling; the filter arrows let readers sort and slice.
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
}

/** A calendar date (YYYY-MM-DD) as the Date exceljs writes as that day, whatever the server's zone. */
export function dateCell(date: string | null | undefined): Date | null {
  if (!date) return null;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

export async function toBytes(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

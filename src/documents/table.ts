import { AlignmentType, Paragraph, Table, TableCell, TableRow, VerticalAlign, WidthType } from 'docx';
import { FONT, run, SIZE } from './gongwen.js';

/**
 * A plain ruled table for 通报 and 催办通知书: 黑体 header row, 仿宋 四号 cells, the width of the
 * text block. widths are percentages; the columns listed in `left` (titles, reasons) are left-aligned.
 */
const TEXT_WIDTH = 8845; // 156 mm in twips

export function table(head: string[], rows: string[][], widths: number[], left: number[] = []): Table {
  const twips = widths.map((w) => Math.round((TEXT_WIDTH * w) / 100));
  const cell = (t: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: twips[i] ?? 800, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 60, right: 60, top: 40, bottom: 40 },
      children: [
        new Paragraph({
          alignment: header || !left.includes(i) ? AlignmentType.CENTER : AlignmentType.LEFT,
          children: [run(t, { size: SIZE.小四, font: header ? FONT.heading : FONT.body })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: twips,
    rows: [
      new TableRow({ tableHeader: true, children: head.map((h, i) => cell(h, i, true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
    ],
  });
}

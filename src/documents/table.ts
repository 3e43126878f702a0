import { AlignmentType, Paragraph, Table, TableCell, TableRow, VerticalAlign, WidthType } from 'docx';
import { FONT, run, SIZE } from './gongwen.js';

/**
 * A plain ruled table for 通报 and 催办通知书: 黑体 header row, 仿宋 四号 cells, the width of the
 * text block. widths are percentages.
 */
export function table(head: string[], rows: string[][], widths: number[]): Table {
  const cell = (t: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i] ?? 10, type: WidthType.PERCENTAGE },
      verticalAlign: VerticalAlign.CENTER,
      margins: { left: 60, right: 60, top: 40, bottom: 40 },
      children: [
        new Paragraph({
          alignment: header || t.length <= 8 ? AlignmentType.CENTER : AlignmentType.LEFT,
          children: [run(t, { size: SIZE.小四, font: header ? FONT.heading : FONT.body })],
        }),
      ],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: head.map((h, i) => cell(h, i, true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
    ],
  });
}

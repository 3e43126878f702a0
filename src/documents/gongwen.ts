import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  type ParagraphChild,
  type Table,
  TextRun,
} from 'docx';

/**
 * The layout kit for 公文 after GB/T 9704-2012 (党政机关公文格式): A4, the standard's margins,
 * 22 lines of 28 characters, 红头 with the red separator, 文号, title, body, signature and
 * "— N —" page numbers. Font names only: Word or WPS substitutes them when a machine lacks them
 * (docs/decisions/0013-documents.md).
 */

const MM = 56.7; // twips per millimetre
export const FONT = {
  body: '仿宋_GB2312',
  heading: '黑体',
  title: '方正小标宋简体',
  latin: 'Times New Roman',
  pageNumber: '宋体',
} as const;
/** Half-points, as Word counts sizes. */
export const SIZE = { 初号: 84, 二号: 44, 三号: 32, 四号: 28, 小四: 24 } as const;
const RED = 'FF0000';
/** 22 lines in the 225 mm text block: exact line pitch in twips. */
const LINE = Math.round((225 / 22) * MM);
const TYPE_AREA_MM = 156;

export const PAGE = {
  size: { width: 11906, height: 16838 },
  margin: {
    top: Math.round(37 * MM),
    bottom: Math.round(35 * MM),
    left: Math.round(28 * MM),
    right: Math.round(26 * MM),
  },
} as const;

type Runs = string | ParagraphChild[];

const font = (eastAsia: string) => ({ ascii: FONT.latin, hAnsi: FONT.latin, eastAsia, cs: FONT.latin });

export function run(text: string, o: { font?: string; size?: number; bold?: boolean; color?: string } = {}) {
  return new TextRun({
    text,
    font: font(o.font ?? FONT.body),
    size: o.size ?? SIZE.三号,
    bold: o.bold,
    color: o.color,
  });
}

const children = (r: Runs, o: Parameters<typeof run>[1] = {}) => (typeof r === 'string' ? [run(r, o)] : r);
const spacing = { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

/** A body paragraph: 仿宋 三号, first line indented two characters. */
export function para(r: Runs, o: { indent?: boolean; align?: 'left' | 'right' | 'center' } = {}) {
  return new Paragraph({
    children: children(r),
    spacing,
    alignment:
      o.align === 'right'
        ? AlignmentType.RIGHT
        : o.align === 'center'
          ? AlignmentType.CENTER
          : AlignmentType.BOTH,
    indent: o.indent === false ? undefined : { firstLine: SIZE.三号 * 20 },
  });
}

export const blank = () => new Paragraph({ children: [run('')], spacing });

/** 一级标题 (一、…): 黑体 三号, indented like the body. */
export const heading1 = (t: string) =>
  new Paragraph({
    children: [run(t, { font: FONT.heading })],
    spacing,
    indent: { firstLine: SIZE.三号 * 20 },
  });

/** 二级标题 (（一）…): 楷体 三号. */
export const heading2 = (t: string) =>
  new Paragraph({
    children: [run(t, { font: '楷体_GB2312' })],
    spacing,
    indent: { firstLine: SIZE.三号 * 20 },
  });

/** 标题: 小标宋 二号, centred, after one blank line below the red separator. */
export function title(t: string): Paragraph[] {
  return [
    blank(),
    new Paragraph({
      children: [run(t, { font: FONT.title, size: SIZE.二号 })],
      alignment: AlignmentType.CENTER,
      spacing: { line: Math.round(LINE * 1.3), lineRule: LineRuleType.EXACT },
    }),
    blank(),
  ];
}

/** The 发文机关标志 size that fits the type area: at most 初号-ish, one line. */
export function mastheadSize(name: string): number {
  const mmPerChar = (TYPE_AREA_MM * 0.92) / Math.max(1, [...name].length);
  const pt = Math.min(40, Math.floor(mmPerChar / 0.3528));
  return pt * 2;
}

/** 红头: the issuing body in red 小标宋, then the 文号 with the red separator 4 mm under it. */
export function masthead(orgName: string, docNumber: string): Paragraph[] {
  return [
    new Paragraph({
      children: [run(orgName, { font: FONT.title, size: mastheadSize(orgName), color: RED })],
      alignment: AlignmentType.CENTER,
      spacing: {
        before: Math.round(10 * MM),
        after: 0,
        line: Math.round(mastheadSize(orgName) * 10 * 1.25),
        lineRule: LineRuleType.EXACT,
      },
    }),
    blank(),
    blank(),
    new Paragraph({
      children: [run(docNumber)],
      alignment: AlignmentType.CENTER,
      spacing,
      border: {
        bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: Math.round((4 * MM) / 20) },
      },
    }),
  ];
}

/** 发文机关署名 and 成文日期, right-aligned with four characters' margin, as signed documents print them. */
export function signature(orgName: string, date: string): Paragraph[] {
  const right = { right: SIZE.三号 * 20 * 4 };
  return [
    blank(),
    blank(),
    new Paragraph({ children: [run(orgName)], alignment: AlignmentType.RIGHT, spacing, indent: right }),
    new Paragraph({ children: [run(date)], alignment: AlignmentType.RIGHT, spacing, indent: right }),
  ];
}

const DIGITS = '〇一二三四五六七八九';
const small = (n: number) =>
  n < 10
    ? DIGITS[n]
    : n < 20
      ? `十${n % 10 ? DIGITS[n % 10] : ''}`
      : `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;

/** 2026-12-02 → 二〇二六年十二月二日. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  const year = [...(y ?? '')].map((c) => DIGITS[Number(c)]).join('');
  return `${year}年${small(Number(m))}月${small(Number(d))}日`;
}

/** 文号: 丹人大督〔2026〕3号. */
export const docNumberText = (prefix: string, year: number, n: number) => `${prefix}〔${year}〕${n}号`;

function pageFooter(align: (typeof AlignmentType)[keyof typeof AlignmentType]) {
  const o = { font: font(FONT.pageNumber), size: SIZE.四号 };
  return new Footer({
    children: [
      new Paragraph({
        alignment: align,
        indent: align === AlignmentType.RIGHT ? { right: SIZE.四号 * 20 } : { left: SIZE.四号 * 20 },
        children: [new TextRun({ ...o, children: ['— ', PageNumber.CURRENT, ' —'] })],
      }),
    ],
  });
}

/** The document: one A4 section, odd page numbers on the right and even on the left, 7 mm under the text block. */
export async function pack(o: { title: string; orgName: string; body: (Paragraph | Table)[] }) {
  const doc = new Document({
    creator: o.orgName,
    title: o.title,
    evenAndOddHeaderAndFooters: true,
    styles: { default: { document: { run: { font: font(FONT.body), size: SIZE.三号 } } } },
    sections: [
      {
        properties: { page: { size: PAGE.size, margin: { ...PAGE.margin, footer: Math.round(22 * MM) } } },
        footers: { default: pageFooter(AlignmentType.RIGHT), even: pageFooter(AlignmentType.LEFT) },
        children: o.body,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

import { CATEGORIES, SOURCES, TIMELINESS } from '../../domain/problem.js';

/**
 * The import workbook's columns (the template `/导入模板` sends, and what the reader looks for).
 * Headers are found by name, in any order and on any of the first rows, so a list staff already
 * keep can be imported after renaming its headers; common synonyms are accepted too.
 */
export const PROBLEM_SHEET = '问题清单';
export const UNIT_SHEET = '单位与联络员';
export const GUIDE_SHEET = '填写说明';
/** Lists the units the bot knows, for reference; the reader never imports it. */
export const KNOWN_UNITS_SHEET = '现有单位（参考）';

/** A 序号 of this value marks the template's example row: skipped, never imported. */
export const EXAMPLE_MARK = '示例';

export interface ColumnSpec<K extends string> {
  key: K;
  header: string;
  aliases: string[];
  required: boolean;
  width: number;
  /** Shown as the header cell's note in the template and in 填写说明. */
  note: string;
}

export type ProblemField =
  | 'no'
  | 'title'
  | 'description'
  | 'leadUnit'
  | 'coUnits'
  | 'category'
  | 'timeliness'
  | 'deadline'
  | 'source';

export const PROBLEM_COLUMNS: ColumnSpec<ProblemField>[] = [
  {
    key: 'no',
    header: '序号',
    aliases: ['编号', '问题序号', '问题编号', 'no'],
    required: false,
    width: 8,
    note: '清单内的唯一编号。再次导入同一序号的行会跳过，不会重复交办；不填则按「问题标题＋牵头单位」识别重复。填「示例」的行不导入。',
  },
  {
    key: 'title',
    header: '问题标题',
    aliases: ['标题', '问题', '问题名称', '问题内容', 'title'],
    required: true,
    width: 40,
    note: '必填，不超过 200 字。原汁原味交给承办单位。',
  },
  {
    key: 'description',
    header: '问题描述',
    aliases: ['描述', '具体描述', '详细描述', '问题详情', 'description'],
    required: false,
    width: 50,
    note: '选填，不超过 5000 字。',
  },
  {
    key: 'leadUnit',
    header: '牵头单位',
    aliases: ['承办单位', '责任单位', '主办单位', '牵头部门', 'unit'],
    required: true,
    width: 22,
    note: '必填。单位全称、简称或别名均可（如 市科经局）。未登记的单位会在预览中列出，勾选后才会新建。',
  },
  {
    key: 'coUnits',
    header: '配合单位',
    aliases: ['协办单位', '配合部门', 'co'],
    required: false,
    width: 26,
    note: '选填，多个单位用顿号、逗号或换行分隔。',
  },
  {
    key: 'category',
    header: '类别',
    aliases: ['问题类别', '要素', '要素类别', '分类', 'category'],
    required: false,
    width: 14,
    note: `选填，须为导入议题的类别之一（模板的下拉列表；营商环境专项评议为${CATEGORIES.join('、')}）。`,
  },
  {
    key: 'timeliness',
    header: '时效',
    aliases: ['整改时效', '时效类别', '整改类型', 'timeliness'],
    required: false,
    width: 10,
    note: `选填：${TIMELINESS.join('或')}，不填为长期整改。`,
  },
  {
    key: 'deadline',
    header: '期限',
    aliases: ['整改期限', '完成时限', '截止日期', '办结时限', '办结期限', 'deadline', 'due'],
    required: true,
    width: 14,
    note: '必填：日期（如 2026-12-31，可用 Excel 日期格式）或“N个工作日”（从导入当天起算）。',
  },
  {
    key: 'source',
    header: '来源',
    aliases: ['问题来源', '线索来源', 'source'],
    required: false,
    width: 10,
    note: `选填：${SOURCES.join('、')}，不填为走访。`,
  },
];

export type UnitField = 'name' | 'shortName' | 'aliases' | 'contacts';

export const UNIT_COLUMNS: ColumnSpec<UnitField>[] = [
  {
    key: 'name',
    header: '单位名称',
    aliases: ['单位全称', '全称'],
    required: true,
    width: 30,
    note: '必填，单位全称。已登记的单位只添加联络员；未登记的单位随导入一并新建。',
  },
  {
    key: 'shortName',
    header: '简称',
    aliases: ['单位简称'],
    required: false,
    width: 14,
    note: '选填，如 市人社局。',
  },
  {
    key: 'aliases',
    header: '别名',
    aliases: ['其他名称', '曾用名'],
    required: false,
    width: 18,
    note: '选填，多个用顿号分隔，如 市科技经信局。',
  },
  {
    key: 'contacts',
    header: '联络员',
    aliases: ['联络员邮箱或手机号', '联系人', '联络人'],
    required: false,
    width: 36,
    note: '选填，飞书通讯录中的邮箱或手机号，多个用顿号分隔。导入后联络员会收到本单位的问题卡片。',
  },
];

/** "问题标题*", " 期限（必填） " → "问题标题", "期限": what a header cell is matched by. */
export function normalizeHeader(s: string): string {
  return s
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/[*＊:：\s]/g, '')
    .toLowerCase();
}

/** Header text → field, for one sheet kind. */
export function headerIndex<K extends string>(cols: ColumnSpec<K>[]): Map<string, K> {
  const m = new Map<string, K>();
  for (const c of cols) for (const h of [c.header, ...c.aliases]) m.set(normalizeHeader(h), c.key);
  return m;
}

/**
 * Splits "市人社局、市民政局，市财政局" (and newlines, semicolons) into names; unit names never
 * hold spaces, so spaces separate too; for contacts, spaces inside a token are dropped ("138 0000 0000").
 */
export function splitList(s: string, o: { spaces: 'separate' | 'drop' } = { spaces: 'separate' }): string[] {
  const sep = o.spaces === 'separate' ? /[、,，;；\n\r/\s]+/ : /[、,，;；\n\r/]+/;
  return [
    ...new Set(
      s
        .split(sep)
        .map((x) => x.replace(/\s+/g, ''))
        .filter(Boolean),
    ),
  ];
}

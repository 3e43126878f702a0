import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { problemCoUnits, problems, units } from '../../db/schema/index.js';
import { STATE_LABEL } from '../../src/domain/problem.js';
import { ask, assignAs, cardOf, P, press, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now }, (x) => {
  h = x;
});

const db = () => h.database.db;

async function assign(args: string) {
  return (await assignAs(h, args)).code;
}

/** Sends /导出, returns the uploaded workbook (read back with exceljs) and its name. */
async function exportAs(who: string, args = '') {
  const uploads = h.fake.uploads.length;
  const reply = await ask(h, who, `/导出${args ? ` ${args}` : ''}`);
  if (h.fake.uploads.length === uploads) return { reply, wb: undefined, name: undefined };
  const up = h.fake.uploads.at(-1)!;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(up.bytes).buffer);
  return { reply, wb, name: up.fileName };
}

const sheetRows = (ws: ExcelJS.Worksheet) => {
  const out: Record<string, unknown>[] = [];
  const head = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  for (let r = 2; r <= ws.rowCount; r++) {
    const vals = ws.getRow(r).values as unknown[];
    out.push(Object.fromEntries(head.map((k, i) => [k, vals[i + 1] ?? null])));
  }
  return out;
};

let codes = { a: '', b: '', c: '', d: '' };
beforeAll(async () => {
  codes = {
    a: await assign(
      '企业开办材料重复提交 单位:市人社局 配合:市民政局,市教育局 期限:2026-12-01 类别:政务服务环境 时效:立行立改',
    ),
    b: await assign('高龄津贴发放不及时 单位:市民政局 期限:2027-03-31 类别:政策兑现'),
    c: await assign('校车线路不合理 单位:市教育局 期限:2026-12-31 类别:作风建设 时效:立行立改'),
    d: await assign('社保窗口排队时间长 单位:市人社局 期限:2027-01-29'),
  };
  // a: acknowledged with progress (and an outcome); c: closed (set directly: close-out is another test's story).
  await press(h, P.lead1, cardOf(h, P.lead1, codes.a), '签收');
  await h.dispatch();
  await press(h, P.lead1, cardOf(h, P.lead1, codes.a), '反馈进展', {
    content: '已梳理重复材料清单，取消 4 项',
    percent: '60',
    outcome: '减少材料 4 项',
  });
  await db().update(problems).set({ state: 'closed', closedAt: now }).where(eq(problems.code, codes.c));
  // Three weeks on: a (due 12-01) is overdue.
  now = new Date('2026-12-16T02:00:00Z');
});

describe('/导出', () => {
  it('sends the list as .xlsx whose cells match the database: dates as dates, a frozen header', async () => {
    const { reply, wb, name } = await exportAs(P.staff);
    expect(reply.msgType).toBe('file');
    expect(name).toBe('督办问题清单-默认议题-20261216.xlsx');
    const ws = wb!.getWorksheet('问题清单')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      '编号',
      '问题标题',
      '状态',
      '牵头单位',
      '配合单位',
      '类别',
      '时效',
      '来源',
      '期限',
      '逾期工作日',
      '最新进展',
      '进展日期',
      '回访',
    ]);
    const rows = sheetRows(ws);
    const all = await db().select().from(problems).orderBy(problems.seq);
    expect(rows.map((r) => r.编号)).toEqual(all.map((p) => p.code));
    const unitName = new Map((await db().select().from(units)).map((u) => [u.id, u.name]));
    for (const p of all) {
      const r = rows.find((x) => x.编号 === p.code)!;
      const co = await db().select().from(problemCoUnits).where(eq(problemCoUnits.problemId, p.id));
      expect(r).toMatchObject({
        问题标题: p.title,
        状态: STATE_LABEL[p.state as keyof typeof STATE_LABEL],
        牵头单位: unitName.get(p.leadUnitId),
        类别: p.category ?? null,
        时效: p.timeliness,
        来源: p.source,
      });
      expect(
        String(r.配合单位 ?? '')
          .split('、')
          .filter(Boolean)
          .sort(),
      ).toEqual(co.map((c) => unitName.get(c.unitId)).sort());
      // A real date cell, the same calendar day.
      expect(r.期限).toBeInstanceOf(Date);
      expect((r.期限 as Date).toISOString().slice(0, 10)).toBe(p.deadline);
    }
    const a = rows.find((r) => r.编号 === codes.a)!;
    // Due Tue 2026-12-01; workdays after it up to Wed 12-16: 12-02 … 12-16 = 11.
    expect(a).toMatchObject({
      状态: '整改中',
      逾期工作日: 11,
      最新进展: '已梳理重复材料清单，取消 4 项（成效：减少材料 4 项）',
    });
    expect((a.进展日期 as Date).toISOString().slice(0, 10)).toBe('2026-11-26');
    expect(ws.getRow(2).getCell(9).numFmt).toBe('yyyy-mm-dd');
    expect(rows.find((r) => r.编号 === codes.c)).toMatchObject({ 状态: '已销号', 逾期工作日: null });
    expect(rows.find((r) => r.编号 === codes.d)).toMatchObject({ 逾期工作日: 0, 最新进展: null });

    const figures = sheetRows(wb!.getWorksheet('单位统计')!);
    expect(wb!.getWorksheet('单位统计')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(figures).toEqual([
      {
        单位: '市人力资源和社会保障局',
        问题数: 2,
        已销号: 0,
        未销号: 2,
        逾期: 1,
        办结率: 0,
        满意率: null,
        首次办结满意率: null,
      },
      {
        单位: '市教育局',
        问题数: 1,
        已销号: 1,
        未销号: 0,
        逾期: 0,
        办结率: 1,
        满意率: null,
        首次办结满意率: null,
      },
      {
        单位: '市民政局',
        问题数: 1,
        已销号: 0,
        未销号: 1,
        逾期: 0,
        办结率: 0,
        满意率: null,
        首次办结满意率: null,
      },
      {
        单位: '合计',
        问题数: 4,
        已销号: 1,
        未销号: 3,
        逾期: 1,
        办结率: 0.25,
        满意率: null,
        首次办结满意率: null,
      },
    ]);
    expect(wb!.getWorksheet('单位统计')!.getRow(2).getCell(6).numFmt).toBe('0.0%');
  });

  it('filters like /清单: by unit (lead or cooperating) and by state', async () => {
    const byUnit = await exportAs(P.staff, '市教育局');
    expect(byUnit.name).toBe('督办问题清单-默认议题-市教育局-20261216.xlsx');
    expect(sheetRows(byUnit.wb!.getWorksheet('问题清单')!).map((r) => r.编号)).toEqual([codes.a, codes.c]);
    expect(sheetRows(byUnit.wb!.getWorksheet('单位统计')!).map((r) => r.单位)).toEqual(['市教育局']);

    const overdue = await exportAs(P.staff, '市人社局 逾期');
    expect(sheetRows(overdue.wb!.getWorksheet('问题清单')!).map((r) => r.编号)).toEqual([codes.a]);

    const closed = await exportAs(P.staff, '已销号');
    expect(sheetRows(closed.wb!.getWorksheet('问题清单')!).map((r) => r.编号)).toEqual([codes.c]);

    const none = await exportAs(P.staff, '市民政局 已销号');
    expect(none.wb).toBeUndefined();
    expect(none.reply.text).toContain('没有符合条件的问题');
  });

  it('is for staff only, and says what is wrong with a bad filter', async () => {
    expect((await exportAs(P.lead1)).reply.text).toContain('仅限');
    expect((await exportAs(P.sup)).reply.text).toContain('仅限');
    expect((await exportAs(P.staff, '市卫建局')).reply.text).toContain('未找到单位「市卫建局」');
    expect((await exportAs(P.staff, '逾期 已销号')).reply.text).toContain('只能指定一个状态');
  });
});

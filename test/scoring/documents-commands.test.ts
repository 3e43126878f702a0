import { sql } from 'drizzle-orm';
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { documents } from '../../db/schema/index.js';
import { chartRenderer, registerChartRenderer } from '../../src/documents/chart-renderer.js';
import { ask, P, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';
import { loadSixUnits } from './fixture.js';

const ORG = '丹江口市人大常委会办公室';
let h: Harness;
const now = new Date('2026-12-02T02:00:00Z'); // Wednesday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now, env: { ORG_NAME: ORG, ORG_DOC_PREFIX: '丹人大督' } }, (x) => {
  h = x;
});
let codes: Map<string, string> | undefined;
async function world() {
  if (codes) return codes;
  codes = await loadSixUnits(h);
  await h.database.db.execute(sql`update problem_requests set decision_reason = '佐证材料不全'
    where status = 'rejected'`);
  await h.database.db.execute(sql`insert into revisits (problem_id, round, raiser_kind, rating, comment, rated_on)
    select id, 1, 'person', 'unsatisfied', '窗口仍需排队', '2026-11-27' from problems where code = ${codes.get('B1')!}`);
  return codes;
}
const lastUpload = async (from: number) => {
  const up = h.fake.uploads[from];
  if (!up) throw new Error('no file uploaded');
  return { ...up, text: (await mammoth.extractRawText({ buffer: up.bytes })).value };
};

describe('/催办', () => {
  it('sends the unit’s 催办通知书 with its overdue problems and workdays overdue', async () => {
    const c = await world();
    const n = h.fake.uploads.length;
    const r = await ask(h, P.staff, '/催办 市教育局');
    expect(r.msgType).toBe('file');
    const up = await lastUpload(n);
    expect(up.fileName).toBe('催办通知书-市教育局（丹人大督〔2026〕1号）.docx');
    // (11-27, 12-02]: 11-30, 12-01, 12-02.
    for (const s of [c.get('C1')!, '2026年11月27日', '市教育局：', ORG, '丹人大督〔2026〕1号'])
      expect(up.text).toContain(s);
    expect(up.text).not.toContain(c.get('C2')!);
    expect((await ask(h, P.staff, `/查看 ${c.get('C1')!}`)).text).toContain(
      '制发公文：催办通知书 丹人大督〔2026〕1号',
    );
  });

  it('asked in a group, goes one-to-one; refuses a unit with nothing overdue, an unknown unit and non-staff', async () => {
    await world();
    const g = await ask(h, P.staff, '/催办 市教育局', { chatId: 'oc_g', chatType: 'group' });
    expect(g.text).toBe('催办通知书（丹人大督〔2026〕2号）已单独发送给您。');
    expect(h.fake.messages.filter((m) => m.msgType === 'file').at(-1)).toMatchObject({ receiveId: P.staff });
    const before = (await h.database.db.select().from(documents)).length;
    expect((await ask(h, P.staff, '/催办 市公安局')).text).toContain('市公安局目前没有逾期未办结的问题');
    expect((await ask(h, P.staff, '/催办 市不存在局')).text).toContain('未找到');
    expect((await ask(h, P.staff, '/催办')).text).toContain('格式：/催办 <单位>');
    expect((await ask(h, P.sup, '/催办 市教育局')).text).toContain('仅限工作人员');
    expect((await h.database.db.select().from(documents)).length).toBe(before);
  });
});

describe('/通报', () => {
  it('makes the month’s 通报: figures, ranking, overdue, returned and 不满意 items, with the chart', async () => {
    const c = await world();
    const n = h.fake.uploads.length;
    const r = await ask(h, P.staff, '/通报 2026-11');
    expect(r.msgType).toBe('file');
    const up = await lastUpload(n);
    expect(up.fileName).toMatch(/^通报-.+-2026年11月（丹人大督〔2026〕1号）\.docx$/);
    const t = up.text;
    expect(t).toContain('关于2026年11月督办工作情况的通报');
    expect(t).toContain(ORG);
    // Ranking rows: rank, unit, problems, 办结率, score (scores as in scores.test.ts, but 市民政局
    // now has 回访 不满意: (20 + 0 + 10 + 10 + 0) = 40.0).
    const lines = t.split('\n').filter(Boolean);
    const row = (unit: string) => lines.slice(lines.indexOf(unit) - 1, lines.indexOf(unit) + 4);
    expect(row('市人力资源和社会保障局')).toEqual(['3', '市人力资源和社会保障局', '2', '50.0%', '75.0']);
    expect(row('市民政局')).toEqual(['4', '市民政局', '2', '50.0%', '40.0']);
    expect(row('市文旅局')).toEqual(['—', '市文旅局', '0', '—', '—']);
    for (const s of [c.get('C1')!, '佐证材料不全', '窗口仍需排队', '图1 各单位办结率'])
      expect(t).toContain(s);
    // The chart is the one image in the package (zip entry names are stored uncompressed).
    expect(up.bytes.toString('latin1')).toMatch(/word\/media\/[^/]+\.png/);
    expect(t).not.toContain('NaN');
  });

  it('refuses a month that does not exist, or has not begun, and anything else', async () => {
    await world();
    const before = (await h.database.db.select().from(documents)).length;
    expect((await ask(h, P.staff, '/通报 2026-13')).text).toContain(
      '「2026-13」不是有效的月份：月份应为 01 至 12',
    );
    expect((await ask(h, P.staff, '/通报 2027-01')).text).toContain('2027年1月尚未开始');
    expect((await ask(h, P.staff, '/通报 季')).text).toContain('格式：/通报 [周|月|YYYY-MM]');
    expect((await ask(h, P.staff, '/通报 议题:无此议题')).text).toContain('未找到议题「无此议题」');
    expect((await h.database.db.select().from(documents)).length).toBe(before);
  });

  it('without a chart renderer (Workers), goes without the chart and says so', async () => {
    await world();
    const n = h.fake.uploads.length;
    const renderer = chartRenderer();
    registerChartRenderer(null);
    try {
      const asked = await ask(h, P.staff, '/通报 月');
      // The answer and the file both reply to the command, in either order.
      const r = read(
        h.fake.messages.find((m) => m.replyTo === asked.replyTo && m.msgType === 'text') ?? asked,
      );
      expect(r.text).toMatch(
        /^通报（丹人大督〔2026〕\d+号）已生成。（本运行环境不生成图表，通报中已注明。）$/,
      );
    } finally {
      registerChartRenderer(renderer);
    }
    const up = await lastUpload(n);
    expect(up.text).toContain('（本运行环境不生成图表，办结率见上表。）');
    expect(up.text).toContain('关于2026年12月督办工作情况的通报');
    expect(up.bytes.toString('latin1')).not.toMatch(/word\/media\//);
  });

  it('the week’s 通报 asked in a group goes one-to-one', async () => {
    await world();
    const n = h.fake.uploads.length;
    const g = await ask(h, P.staff, '/通报 周', { chatId: 'oc_g', chatType: 'group' });
    expect(g.text).toMatch(/^通报（丹人大督〔2026〕\d+号）已单独发送给您。$/);
    const up = await lastUpload(n);
    expect(up.text).toContain('关于2026年第49周督办工作情况的通报');
    expect(h.fake.messages.filter((m) => m.msgType === 'file').at(-1)).toMatchObject({ receiveId: P.staff });
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db.js';
import { loadCalendar } from '../../src/services/calendar/load.js';
import { defaultCampaign } from '../../src/services/campaigns/read.js';
import { campaignTrendChart } from '../../src/services/scoring/trend.js';
import { ask, P, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
const now = new Date('2026-12-02T02:00:00Z'); // Wednesday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now }, (x) => {
  h = x;
});
const at = (d: string | undefined) => (d ? `${d}T02:00:00Z` : null);

/**
 * One hand-computed October 2026 (国庆 10-01…07 off, Saturday 10-10 a 调休 workday):
 *   T0 市人社局 政务服务环境 交办 09-28, 签收 09-29 (1), 销号 10-09 (4: 09-29, 09-30, 10-08, 10-09)
 *   T1 市人社局 政务服务环境 交办 10-09, 签收 10-10 (1, the 调休 Saturday), 销号 10-16 (6), due 10-31
 *   T2 市人社局 政务服务环境 交办 10-08, 签收 10-12 (3), 销号 10-30 (17), due 10-20: late
 *   T3 市人社局 法治环境 交办 10-12, 签收 10-12 (0), open, due 11-30: overdue now
 *   T4 市教育局 法治环境 交办 10-13, not acknowledged, due 12-31
 *   T5 市教育局 withdrawn (left out)
 * October: 4 problems, MTTA median(1, 3, 0) = 1, MTTR median(6, 17) = 11.5, 办结率 2/4, overdue 2.
 */
let loaded = false;
async function world() {
  if (loaded) return;
  loaded = true;
  const db = h.database.db;
  const ids = new Map(
    rowsOf<{ id: number; name: string }>(
      await db.execute(sql`select id, coalesce(short_name, name) as name from units`),
    ).map((r) => [r.name, r.id]),
  );
  const rows: [string, string, string, string, string, string?, string?][] = [
    ['T0', '市人社局', '政务服务环境', 'closed', '2026-09-28', '2026-09-29', '2026-10-09'],
    ['T1', '市人社局', '政务服务环境', 'closed', '2026-10-09', '2026-10-10', '2026-10-16'],
    ['T2', '市人社局', '政务服务环境', 'closed', '2026-10-08', '2026-10-12', '2026-10-30'],
    ['T3', '市人社局', '法治环境', 'in_progress', '2026-10-12', '2026-10-12'],
    ['T4', '市教育局', '法治环境', 'assigned', '2026-10-13'],
    ['T5', '市教育局', '法治环境', 'withdrawn', '2026-10-14'],
  ];
  const due: Record<string, string> = {
    T0: '2026-10-15',
    T1: '2026-10-31',
    T2: '2026-10-20',
    T3: '2026-11-30',
    T4: '2026-12-31',
    T5: '2026-10-20',
  };
  let seq = 800;
  for (const [key, unit, category, state, assigned, acked, closed] of rows) {
    seq++;
    await db.execute(sql`insert into problems (code, year, seq, title, category, lead_unit_id, deadline, state, assigned_at, acknowledged_at, closed_at)
      values (${`DB-2026-${seq}`}, 2026, ${seq}, ${`问题${key}`}, ${category}, ${ids.get(unit)!}, ${due[key]!}, ${state},
        ${at(assigned)}, ${at(acked)}, ${at(closed)})`);
  }
}
const line = (text: string, head: string, month: string) => {
  const block = text.slice(text.indexOf(head));
  return block.split('\n').find((l) => l.startsWith(month));
};

describe('/统计 趋势', () => {
  it('shows the campaign month by month, per category and per unit, as computed by hand', async () => {
    await world();
    const r = await ask(h, P.staff, '/统计 趋势');
    expect(r.text).toContain('整改趋势');
    expect(line(r.text, '按月', '2026-10')).toBe(
      '2026-10　交办 4 件　签收中位 1 工作日　销号中位 11.5 工作日　办结率 50.0%　逾期 2 件',
    );
    expect(line(r.text, '按月', '2026-09')).toBe(
      '2026-09　交办 1 件　签收中位 1 工作日　销号中位 4 工作日　办结率 100.0%　逾期 0 件',
    );
    expect(line(r.text, '按月', '2026-11')).toBe('2026-11　交办 0 件');
    // 政务服务环境 in October: T1, T2: MTTA median(1, 3) = 2.
    expect(line(r.text, '政务服务环境', '2026-10')).toBe(
      '2026-10　交办 2 件　签收中位 2 工作日　销号中位 11.5 工作日　办结率 100.0%　逾期 1 件',
    );
    // 市教育局: T4 only (T5 withdrawn), never acknowledged.
    expect(line(r.text, '市教育局', '2026-10')).toBe(
      '2026-10　交办 1 件　签收中位 — 工作日　销号中位 — 工作日　办结率 0.0%　逾期 0 件',
    );
    expect(r.text).not.toContain('NaN');
  });

  it('shows one unit’s months and categories', async () => {
    await world();
    const r = await ask(h, P.sup, '/统计 趋势 市人社局');
    expect(r.text).toContain('整改趋势 · 市人力资源和社会保障局');
    expect(line(r.text, '按月', '2026-10')).toBe(
      '2026-10　交办 3 件　签收中位 1 工作日　销号中位 11.5 工作日　办结率 66.7%　逾期 2 件',
    );
    expect(line(r.text, '法治环境', '2026-10')).toBe(
      '2026-10　交办 1 件　签收中位 0 工作日　销号中位 — 工作日　办结率 0.0%　逾期 1 件',
    );
    expect(r.text).not.toContain('市教育局');
  });

  it('gives the digest the campaign’s trend chart as PNG', async () => {
    await world();
    const deps = h.service.deps;
    const png = await h.database.db.transaction(async (tx) =>
      campaignTrendChart(
        { tx, now, config: deps.config, calendar: await loadCalendar(tx) },
        await defaultCampaign(tx),
      ),
    );
    expect(png?.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it('refuses an unknown unit or campaign and unit contacts', async () => {
    await world();
    expect((await ask(h, P.staff, '/统计 趋势 市不存在局')).text).toContain('未找到');
    expect((await ask(h, P.staff, '/统计 趋势 议题:无此议题')).text).toContain('未找到议题「无此议题」');
    expect((await ask(h, P.lead1, '/统计 趋势')).text).toContain('仅限工作人员或督导组成员');
  });
});

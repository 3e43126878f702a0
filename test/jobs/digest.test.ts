import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CARD_LIMIT_BYTES, cardBytes } from '../../cards/kit.js';
import { problems, units } from '../../db/schema/index.js';
import { auditHeadHash } from '../../src/audit/chain.js';
import { WorkdayCalendar } from '../../src/domain/calendar.js';
import { type DigestRow, digestFigures } from '../../src/domain/digest.js';
import { buildDigest } from '../../src/services/digest.js';
import { ask, P, read, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

const at = (day: string, hh = '10') => new Date(`${day}T${hh}:00:00+08:00`);
const cal = new WorkdayCalendar();

describe('digest figures (hand-computed)', () => {
  // Thursday 2026-11-26. Week = the 7 days before.
  const now = at('2026-11-26');
  const row = (o: Partial<DigestRow> & Pick<DigestRow, 'code' | 'state' | 'unit'>): DigestRow => ({
    title: o.code,
    deadline: '2026-12-31',
    createdAt: at('2026-10-01'),
    assignedAt: at('2026-10-01'),
    acknowledgedAt: null,
    closedAt: null,
    ...o,
  });
  const rows: DigestRow[] = [
    // 市教育局: 4 problems — 1 closed this week, 1 closed long ago, 1 overdue (deadline Fri 11-20 → Mon 23, Tue 24, Wed 25, Thu 26 = 4 workdays), 1 withdrawn.
    row({
      code: 'A1',
      unit: '市教育局',
      state: 'closed',
      acknowledgedAt: at('2026-10-02'),
      closedAt: at('2026-11-24'),
    }),
    row({
      code: 'A2',
      unit: '市教育局',
      state: 'closed',
      acknowledgedAt: at('2026-10-09'),
      closedAt: at('2026-10-20'),
    }),
    row({
      code: 'A3',
      unit: '市教育局',
      state: 'in_progress',
      deadline: '2026-11-20',
      acknowledgedAt: at('2026-10-05'),
    }),
    row({ code: 'A4', unit: '市教育局', state: 'withdrawn' }),
    // 市卫健局: 2 problems — new this week, one assigned (overdue by 1: deadline 11-25), one acknowledged.
    row({
      code: 'B1',
      unit: '市卫健局',
      state: 'assigned',
      deadline: '2026-11-25',
      createdAt: at('2026-11-20'),
      assignedAt: at('2026-11-20'),
    }),
    row({
      code: 'B2',
      unit: '市卫健局',
      state: 'acknowledged',
      createdAt: at('2026-11-23'),
      assignedAt: at('2026-11-23'),
      acknowledgedAt: at('2026-11-25'),
    }),
  ];
  const f = digestFigures(rows, now, 'Asia/Shanghai', cal);

  it('counts per state, 未销号, new and closed this week', () => {
    expect(f.byState).toEqual({
      assigned: 1,
      acknowledged: 1,
      in_progress: 1,
      closure_requested: 0,
      closed: 2,
      withdrawn: 1,
    });
    expect(f.notClosed).toBe(3);
    expect(f.newThisWeek).toBe(2);
    expect(f.closedThisWeek).toBe(1);
    expect(f.overdue).toBe(2);
    // 2 closed of 5 assigned (the withdrawn one does not count).
    expect(f.closedRate).toBeCloseTo(0.4);
  });

  it('per unit: 办结率, overdue, average workdays to acknowledge', () => {
    const edu = f.units.find((u) => u.unit === '市教育局')!;
    expect(edu).toMatchObject({ total: 4, open: 1, closed: 2, overdue: 1 });
    expect(edu.closedRate).toBeCloseTo(2 / 3);
    // Acks: 10-01→10-02 = 0 workdays? 10-02 is a National Day holiday: 0; 10-01→10-09: 10-09 (Fri) = 1 (10-08 too) → 2; 10-01→10-05 = 0.
    expect(edu.avgAckWorkdays).toBeCloseTo((0 + 2 + 0) / 3);
    const health = f.units.find((u) => u.unit === '市卫健局')!;
    expect(health).toMatchObject({ total: 2, open: 2, closed: 0, overdue: 1, closedRate: 0 });
    // 11-23 (Mon) → 11-25 (Wed) = 2 workdays.
    expect(health.avgAckWorkdays).toBe(2);
  });

  it('counts a problem overdue from the day after its deadline, even on a weekend', () => {
    // Deadline Friday 2026-11-27, seen on Saturday 11-28: overdue, 0 workdays late.
    const weekend = digestFigures(
      [row({ code: 'W1', unit: '市民政局', state: 'acknowledged', deadline: '2026-11-27' })],
      at('2026-11-28'),
      'Asia/Shanghai',
      cal,
    );
    expect(weekend.overdue).toBe(1);
    expect(weekend.mostOverdue[0]).toMatchObject({ code: 'W1', workdays: 0 });
  });

  it('lists the most overdue first', () => {
    expect(f.mostOverdue.map((p) => [p.code, p.workdays])).toEqual([
      ['A3', 4],
      ['B1', 1],
    ]);
  });
});

describe('digest job and /周报', () => {
  let h: Harness;
  let now = at('2026-11-23');
  beforeAll(async () => {
    h = await startHarness({ clock: () => now });
    await setupCampaign(h);
    await ask(h, P.staff, '/交办 周报测试一 单位:市人社局 期限:2026-11-24');
    await ask(h, P.staff, '/交办 周报测试二 单位:市民政局 期限:2026-12-31');
  });
  afterAll(() => h.stop());
  beforeEach(async () => {
    await h.dispatch();
    h.drain();
  });

  async function digest(day: string) {
    now = at(day);
    await h.service.deps.runJob!('digest', now);
    await h.dispatch();
    return h.drain().map(read);
  }

  it('staff get the whole campaign with a chart Lark renders; contacts get their own open items; once per week', async () => {
    const got = await digest('2026-11-30');
    const staff = got.find((m) => m.receiveId === P.staff && m.text.includes('督办周报'))!;
    expect(staff.text).toContain('未销号：2 件');
    expect(staff.text).toContain('审计链当前哈希：');
    expect(staff.text).toContain((await auditHeadHash(h.database.db)).hash);
    const elements = (staff.json as { body: { elements: Record<string, unknown>[] } }).body.elements;
    const chart = elements.find((e) => e.tag === 'chart')!;
    expect(chart).toBeDefined();
    const spec = chart.chart_spec as {
      type: string;
      xField: string;
      yField: string;
      seriesField: string;
      data: { values: { unit: string; state: string; count: number }[] }[];
    };
    expect(spec).toMatchObject({
      type: 'bar',
      xField: 'unit',
      yField: 'count',
      seriesField: 'state',
      stack: true,
    });
    const values = spec.data[0]!.values;
    expect(values.filter((v) => v.unit === '市人力资源和社会保障局').reduce((s, v) => s + v.count, 0)).toBe(
      1,
    );
    expect(JSON.stringify(spec)).not.toMatch(/function|=>/);
    expect(got.some((m) => m.receiveId === P.admin && m.text.includes('督办周报'))).toBe(true);
    const unitList = got.find((m) => m.receiveId === P.lead1)!;
    expect(unitList.text).toContain('本周待办');
    expect(unitList.text).toContain('周报测试一');
    expect(unitList.text).toContain('逾期');
    // Same week again: nothing.
    expect(await digest('2026-12-02')).toHaveLength(0);
    // Next week: again.
    expect((await digest('2026-12-07')).length).toBeGreaterThan(0);
  });

  it('/周报 answers the asker now; units without a right to it are refused', async () => {
    const r = await ask(h, P.sup, '/周报');
    expect(r.text).toContain('督办周报');
    const denied = await ask(h, P.lead1, '/周报');
    expect(denied.text).toContain('仅限');
  });

  it('stays under 30 KB with 1,000 problems, pointing to /导出 for the rest', async () => {
    const db = h.database.db;
    const inserted = await db
      .insert(units)
      .values(
        Array.from({ length: 250 }, (_, i) => ({
          name: `测试单位${String(i).padStart(3, '0')}号（名称较长的市直部门）`,
        })),
      )
      .returning({ id: units.id });
    await db.insert(problems).values(
      Array.from({ length: 1000 }, (_, i) => ({
        code: `DB-2025-${String(i + 1).padStart(4, '0')}`,
        year: 2025,
        seq: i + 1,
        title: `批量问题${i}：企业反映审批材料重复提交、办理时限超过承诺时限等问题`,
        leadUnitId: inserted[i % 250]!.id,
        deadline: i % 3 ? '2026-10-15' : '2027-03-01',
        state: (['assigned', 'in_progress', 'closed'] as const)[i % 3]!,
      })),
    );
    const d = await buildDigest(db, {
      at: at('2026-11-26'),
      config: h.service.deps.config,
      calendar: cal,
      scope: '全部承办单位',
    });
    expect(d.sections[0]!.figures.total).toBeGreaterThanOrEqual(1000);
    expect(cardBytes(d.card)).toBeLessThan(CARD_LIMIT_BYTES);
    const text = JSON.stringify(d.card);
    expect(text).toContain('及其他');
    expect(text).toContain('/导出');
    expect(text).toContain('"tag":"chart"');
  });
});

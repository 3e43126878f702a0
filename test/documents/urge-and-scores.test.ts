import { sql } from 'drizzle-orm';
import mammoth from 'mammoth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf, type Tx } from '../../src/db.js';
import { DEFAULT_WEIGHTS, rankUnits, scoreText } from '../../src/domain/scoring.js';
import { loadCalendar } from '../../src/services/calendar/load.js';
import type { ServiceCtx } from '../../src/services/context.js';
import { loadScoringFacts } from '../../src/services/documents/scoring-facts.js';
import { issueUrge } from '../../src/services/documents/urge.js';
import { assignAs, cardOf, P, press, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let now = new Date('2026-11-16T02:00:00Z'); // Monday 10:00 in Asia/Shanghai
const codes = { a: '', b: '', c: '' };

beforeAll(async () => {
  h = await startHarness({
    clock: () => now,
    env: { ORG_NAME: '丹江口市人大常委会办公室', ORG_DOC_PREFIX: '丹人大督' },
  });
  await setupCampaign(h);
  codes.a = (await assignAs(h, '企业开办材料重复提交 单位:市人社局 期限:2026-11-20')).code;
  codes.b = (await assignAs(h, '社保窗口排队时间长 单位:市人社局 期限:2026-11-27')).code;
  codes.c = (await assignAs(h, '校车线路不合理 单位:市教育局 期限:2027-01-15')).code;
  await press(h, P.lead1, cardOf(h, P.lead1, codes.a), '签收'); // the day it was assigned
  await h.dispatch();
  now = new Date('2026-12-02T02:00:00Z'); // Wednesday
  h.drain();
});
afterAll(() => h.stop());

async function asStaff<T>(fn: (ctx: ServiceCtx) => Promise<T>): Promise<T> {
  const deps = h.service.deps;
  return h.database.db.transaction(async (tx: Tx) =>
    fn({
      tx,
      actor: { openId: P.staff, name: '王敏', roles: new Set(['staff']) },
      now,
      config: deps.config,
      directory: deps.directory,
      calendar: await loadCalendar(tx),
    }),
  );
}
const unit = async (name: string) => {
  const rows = rowsOf<{ id: number; name: string }>(
    await h.database.db.execute(sql`select id, name from units where name = ${name} or short_name = ${name}`),
  );
  return rows[0]!;
};

describe('催办通知书', () => {
  it('lists the unit’s overdue problems with workdays overdue, and goes out as a file', async () => {
    const u = await unit('市人社局');
    const issued = await asStaff((ctx) => issueUrge(ctx, u, { type: 'open_id', id: P.staff }));
    expect(issued.docNumber).toBe('丹人大督〔2026〕1号');
    await h.dispatch();
    const up = h.fake.uploads.find((x) => x.fileName === issued.fileName)!;
    expect(up.fileName).toBe('催办通知书-市人力资源和社会保障局（丹人大督〔2026〕1号）.docx');
    const lines = (await mammoth.extractRawText({ buffer: up.bytes })).value.split('\n').filter(Boolean);
    // (11-20, 12-02]: 11-23…27 and 11-30, 12-01, 12-02 = 8 workdays; (11-27, 12-02]: 3.
    const row = (code: string) => lines.slice(lines.indexOf(code) - 1, lines.indexOf(code) + 4);
    expect(row(codes.a)).toEqual(['1', codes.a, '企业开办材料重复提交', '2026年11月20日', '8']);
    expect(row(codes.b)).toEqual(['2', codes.b, '社保窗口排队时间长', '2026年11月27日', '3']);
    expect(lines).toContain('市人力资源和社会保障局：');
  });

  it('is refused for a unit with nothing overdue, and takes no number', async () => {
    const u = await unit('市教育局');
    await expect(asStaff((ctx) => issueUrge(ctx, u, { type: 'open_id', id: P.staff }))).rejects.toThrow(
      '市教育局目前没有逾期未办结的问题，无需催办。',
    );
    const u2 = await unit('市人社局');
    const again = await asStaff((ctx) => issueUrge(ctx, u2, { type: 'open_id', id: P.staff }));
    expect(again.docNumber).toBe('丹人大督〔2026〕2号');
    await h.dispatch();
  });

  it('covers only the problem set it is given', async () => {
    const u = await unit('市人社局');
    const set = sql`p.code <> ${codes.a}`;
    const issued = await asStaff((ctx) => issueUrge(ctx, u, { type: 'open_id', id: P.staff }, set));
    await h.dispatch();
    const up = h.fake.uploads.find((x) => x.fileName === issued.fileName)!;
    const text = (await mammoth.extractRawText({ buffer: up.bytes })).value;
    expect(text).toContain(codes.b);
    expect(text).not.toContain(codes.a);
  });
});

describe('考核 facts from the database', () => {
  it('scores units from their problems as the formula says', async () => {
    const facts = await loadScoringFacts(h.database.db, { timezone: 'Asia/Shanghai' });
    const cal = await loadCalendar(h.database.db);
    const opts = { today: '2026-12-02', ackWithinWorkdays: 1, workdaysAfter: cal.workdaysAfter.bind(cal) };
    const s = new Map(rankUnits(facts, DEFAULT_WEIGHTS, opts).map((x) => [x.unit, x]));
    // 市人社局: 签收 1/2 (b never acknowledged), 办结 0/2 (both past due), 逾期 1−2/2; 退回, 满意 left out:
    //   (20×0.5 + 40×0 + 20×0) × 100/80 = 12.5
    expect(s.get('市人力资源和社会保障局')?.score).toBe(12.5);
    // 市教育局: 签收 0/1, 办结 not due (left out), 逾期 1−0/1: (20×0 + 20×1) × 100/40 = 50
    expect(s.get('市教育局')?.score).toBe(50);
    expect(scoreText(s.get('市民政局')!)).toBe('—');
    const narrowed = await loadScoringFacts(h.database.db, {
      timezone: 'Asia/Shanghai',
      problemSet: sql`p.code <> ${codes.c}`,
    });
    expect(scoreText(rankUnits(narrowed, DEFAULT_WEIGHTS, opts).find((x) => x.unit === '市教育局')!)).toBe(
      '—',
    );
  });
});

import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { auditLog, campaigns } from '../../db/schema/index.js';
import { rowsOf } from '../../src/db.js';
import { ask, P, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';
import { loadSixUnits } from './fixture.js';

let h: Harness;
const now = new Date('2026-12-02T02:00:00Z'); // Wednesday 10:00 in Asia/Shanghai
useCampaign(
  { clock: () => now },
  (x) => {
    h = x;
  },
  { last: () => undefined },
);

let loaded = false;
async function world() {
  if (!loaded) await loadSixUnits(h);
  loaded = true;
}
/** "N. 单位　得分 分" lines of the /考核 card, in order. */
const ranking = (text: string) =>
  text
    .split('\n')
    .map((l) => /^(\d+\.|—) (\S+)　(\S+) 分/.exec(l))
    .filter((m) => m !== null)
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`);

describe('/考核', () => {
  it('ranks the six units by the formula, ties sharing a rank, the unit without problems as —', async () => {
    await world();
    const r = await ask(h, P.staff, '/考核');
    // Default weights 签收 20 办结 40 逾期 20 退回 10 满意 10.
    // 市公安局, 市住建局: every component 1 (满意 left out, spread) → 100.0, both 1st.
    // 市人社局: 签收 1/2, 办结 1/1 (A2 not yet due), 逾期 1 − 1/2 (A2 overdue before its extension),
    //   退回 1 − 1/2, 满意 1/1: 20×0.5 + 40×1 + 20×0.5 + 10×0.5 + 10×1 = 75.0.
    // 市民政局: 签收 2/2, 办结 0/1 (B1 late; B2 reopened, due 12-20), 逾期 1 − 1/2, 退回 1 − 0/1,
    //   满意 left out: (20 + 0 + 10 + 10) × 100/90 = 44.4.
    // 市教育局: 签收 1/1, 办结 0/1, 逾期 1 − 1/1, 退回 and 满意 left out (C2 withdrawn):
    //   20 × 100/80 = 25.0.
    expect(ranking(r.text)).toEqual([
      '1. 市公安局 100.0',
      '1. 市住建局 100.0',
      '3. 市人力资源和社会保障局 75.0',
      '4. 市民政局 44.4',
      '5. 市教育局 25.0',
      '— 市文旅局 —',
    ]);
    expect(r.text).not.toContain('NaN');
    expect(r.text).toContain('权重：签收 20　办结 40　逾期 20　退回 10　满意 10（默认）');
    expect(r.text).toContain('退回、满意无数据，权重按比例分摊：签收 25，办结 50，逾期 25');
    expect(r.text).toContain('计算方法');
  });

  it('a weight change by an admin changes the ranking as the formula says, and is audited', async () => {
    await world();
    const set = await ask(h, P.admin, '/考核 权重 签收:60 办结:10 逾期:10 退回:10 满意:10');
    expect(set.text).toContain('考核权重：签收 60　办结 10　逾期 10　退回 10　满意 10');
    const r = await ask(h, P.staff, '/考核');
    // 市人社局: 60×0.5 + 10 + 10×0.5 + 10×0.5 + 10 = 60.0; 市民政局: (60 + 0 + 5 + 10) × 100/90 = 83.3;
    // 市教育局: (60 + 0 + 0) × 100/80 = 75.0.
    expect(ranking(r.text)).toEqual([
      '1. 市公安局 100.0',
      '1. 市住建局 100.0',
      '3. 市民政局 83.3',
      '4. 市教育局 75.0',
      '5. 市人力资源和社会保障局 60.0',
      '— 市文旅局 —',
    ]);
    expect(r.text).toContain('权重：签收 60　办结 10　逾期 10　退回 10　满意 10');
    const [a] = await h.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'campaign.score_weights'));
    expect(a?.after).toEqual({ ack: 60, close: 10, overdue: 10, returned: 10, satisfaction: 10 });
    await ask(h, P.admin, '/考核 权重 签收:20 办结:40 逾期:20 退回:10 满意:10');
  });

  it('refuses weights that break the rule, and non-admins, leaving the weights unchanged', async () => {
    await world();
    const before = await h.database.db.select({ w: campaigns.scoreWeights }).from(campaigns);
    expect((await ask(h, P.admin, '/考核 权重 签收:20 办结:40 逾期:20 退回:10 满意:20')).text).toContain(
      '各项权重之和须为 100，现为 110。',
    );
    expect((await ask(h, P.admin, '/考核 权重 签收:-10 办结:70 逾期:20 退回:10 满意:10')).text).toContain(
      '权重不能为负数：签收 -10。',
    );
    expect((await ask(h, P.admin, '/考核 权重 签收:20 办结:80')).text).toContain(
      '缺少权重：逾期、退回、满意',
    );
    expect((await ask(h, P.staff, '/考核 权重 签收:20 办结:40 逾期:20 退回:10 满意:10')).text).toContain(
      '只有管理员可以设置考核权重。',
    );
    expect((await ask(h, P.lead1, '/考核')).text).toContain('仅限工作人员或督导组成员');
    expect((await ask(h, P.staff, '/考核 议题:不存在的议题')).text).toContain('未找到议题「不存在的议题」');
    expect(await h.database.db.select({ w: campaigns.scoreWeights }).from(campaigns)).toEqual(before);
  });
});

describe('满意 from the vote where 回访 is absent', () => {
  it('uses the campaign’s latest closed 测评 result for a unit nobody rated by 回访, and only there', async () => {
    await world();
    const db = h.database.db;
    const unitId = async (name: string) =>
      rowsOf<{ id: number }>(await db.execute(sql`select id from units where name = ${name}`))[0]!.id;
    const unit = (id: number, satisfied: number, basic: number, total: number) => ({
      unitId: id,
      counts: { satisfied, basic, dissatisfied: total - satisfied - basic, total },
    });
    const results = {
      units: [
        unit(await unitId('市民政局'), 6, 2, 10),
        unit(await unitId('市人力资源和社会保障局'), 1, 0, 10),
      ],
    };
    const [e] = rowsOf<{ id: number }>(
      await db.execute(sql`insert into evaluations (name, status, unit_ids, closed_at, results)
        values ('2026年测评', 'closed', '{}', now(), ${JSON.stringify(results)}::jsonb) returning id`),
    );
    try {
      const r = await ask(h, P.staff, '/考核');
      // 市民政局: 20×1 + 40×0 + 20×0.5 + 10×1 + 10×0.8 (测评 (6 + 2) ÷ 10) = 48.0;
      // 市人社局 keeps its 回访 1/1: 75.0.
      expect(ranking(r.text)).toContain('4. 市民政局 48.0');
      expect(ranking(r.text)).toContain('3. 市人力资源和社会保障局 75.0');
      expect(r.text).toContain('满意 80.0%（测评）');
    } finally {
      await db.execute(sql`delete from evaluations where id = ${e!.id}`);
    }
  });
});

describe('/考核 导出', () => {
  it('holds the raw rows behind every component, so a unit’s score can be recomputed from it', async () => {
    await world();
    const uploads = h.fake.uploads.length;
    const reply = await ask(h, P.staff, '/考核 导出', { chatId: 'oc_group_x', chatType: 'group' });
    expect(reply.text).toContain('考核明细已单独发送给您');
    const file = h.fake.messages.filter((m) => m.msgType === 'file').at(-1);
    expect(file).toMatchObject({ receiveIdType: 'open_id', receiveId: P.staff });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(h.fake.uploads[uploads]!.bytes as unknown as ArrayBuffer);
    const rows = (sheet: string) => {
      const ws = wb.getWorksheet(sheet)!;
      const head = (ws.getRow(1).values as string[]).slice(1);
      const out: Record<string, string>[] = [];
      ws.eachRow((r, i) => {
        if (i > 1)
          out.push(Object.fromEntries(head.map((k, j) => [k, String(r.getCell(j + 1).value ?? '')])));
      });
      return out;
    };
    const weight = new Map(rows('权重与方法').map((r) => [r.项目, Number(r.内容)]));
    // Recompute 市人社局 from the component sheets alone.
    const unit = '市人力资源和社会保障局';
    let sum = 0;
    let wsum = 0;
    for (const c of ['签收', '办结', '逾期', '退回', '满意']) {
      const counted = rows(c).filter((r) => r.单位 === unit && r.计入 === '是');
      if (!counted.length) continue;
      const met = counted.filter((r) => r.达标 === '是').length;
      sum += weight.get(`${c}权重`)! * (met / counted.length);
      wsum += weight.get(`${c}权重`)!;
    }
    const recomputed = Math.round(((sum * 100) / wsum) * 10) / 10;
    const summary = rows('得分').find((r) => r.单位 === unit)!;
    expect(recomputed).toBe(75);
    expect(Number(summary.得分)).toBe(recomputed);
    // The rows are the events: A2's returned close-out request, A1's 满意.
    expect(
      rows('退回')
        .filter((r) => r.单位 === unit)
        .map((r) => r.结果),
    ).toEqual(['同意销号', '退回']);
    expect(
      rows('满意')
        .filter((r) => r.单位 === unit)
        .map((r) => r.评价),
    ).toEqual(['满意']);
    expect(rows('得分').find((r) => r.单位 === '市文旅局')?.得分).toBe('—');
  });
});

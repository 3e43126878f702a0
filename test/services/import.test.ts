import { eq, inArray, isNotNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  campaigns,
  importDrafts,
  problemCoUnits,
  problems,
  unitContacts,
  units,
} from '../../db/schema/index.js';
import { EXAMPLE_ROW } from '../../src/services/spreadsheet/template.js';
import { ask, cardOf, EMAIL, P, type ReadMessage, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now }, (x) => {
  h = x;
});

const db = () => h.database.db;
const HEAD = ['序号', '问题标题', '问题描述', '牵头单位', '配合单位', '类别', '时效', '期限', '来源'];
type Cell = string | number | Date | null;

/** A workbook as staff would fill it in; `unitsSheet` rows go to a second sheet 单位与联络员. */
async function workbook(rows: Cell[][], o: { head?: string[]; unitsSheet?: Cell[][] } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('问题清单');
  ws.addRow(o.head ?? HEAD);
  for (const r of rows) ws.addRow(r);
  if (o.unitsSheet) {
    const us = wb.addWorksheet('单位与联络员');
    us.addRow(['单位名称', '简称', '别名', '联络员']);
    for (const r of o.unitsSheet) us.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let n = 0;
/** Sends the file to the bot as staff do, runs the download job, returns the bot's answers. */
async function send(bytes: Buffer, who: string = P.staff, fileName = '清单.xlsx') {
  const messageId = `om_xlsx_${++n}`;
  const fileKey = `file_v3_xlsx_${n}`;
  h.fake.addResource(
    messageId,
    fileKey,
    bytes,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  h.fake.addInboundMessage(messageId, `oc_p2p_${who}`);
  const res = await h.sendFile(who, { messageId, kind: 'file', fileKey, fileName });
  expect(res.status).toBe(200);
  await h.runQueue();
  await h.dispatch();
  const replies = h.fake.messages.filter((m) => m.replyTo === messageId).map(read);
  return { messageId, replies, preview: replies.find((r) => r.msgType === 'interactive')! };
}

/** Clicks 确认导入 (with the form's ticked units), runs the commit job, returns the answers. */
async function confirm(preview: ReadMessage, formValue?: Record<string, unknown>) {
  const b = preview.buttons.find((x) => x.label === '确认导入');
  if (!b) throw new Error(`no 确认导入 on: ${preview.text}`);
  const click = await h.click(P.staff, { messageId: preview.messageId, value: b.value, formValue });
  await h.runQueue();
  await h.dispatch();
  return click;
}

const latestText = (m: ReadMessage) =>
  read({ ...m, content: JSON.stringify(h.fake.latest(m.messageId) ?? m.json) }).text;
const count = async () => (await db().select({ n: sql<number>`count(*)::int` }).from(problems))[0]!.n;
const byKey = async (key: string) =>
  (await db().select().from(problems).where(eq(problems.importKey, key)))[0];

const VALID: Cell[][] = [
  [
    1,
    '社保卡补换办理需多次往返',
    '企业职工反映社保卡补换需往返三次。',
    '市人社局',
    '市民政局',
    '政务服务环境',
    '立行立改',
    new Date(Date.UTC(2026, 11, 31)),
    '座谈会',
  ],
  [2, '高龄津贴发放不及时', '', '市民政局', '', '政策兑现', '长期整改', '10个工作日', '代表建议'],
  [3, '校车接送线路规划不合理', '', '市教育局', '市人力资源和社会保障局、市民政局', '', '', '2027/3/31', ''],
];

describe('导入问题清单', () => {
  it('previews a valid file, and 确认导入 assigns every row with cards to the contacts', async () => {
    const before = await count();
    const { preview } = await send(await workbook(VALID));
    expect(preview.text).toContain('导入问题清单（待确认）');
    expect(preview.text).toContain('可导入 3 行；已存在 0 行，跳过');
    expect(preview.text).toContain('社保卡补换办理需多次往返');
    expect(preview.buttons.map((b) => b.label)).toEqual(['确认导入', '取消']);
    expect(await count()).toBe(before); // nothing until confirmed

    const click = await confirm(preview);
    expect(click.status).toBe(200);
    expect(click.body.toast?.type).toBe('success');
    expect(await count()).toBe(before + 3);

    const p1 = (await byKey('no:1'))!;
    expect(p1).toMatchObject({
      title: '社保卡补换办理需多次往返',
      deadline: '2026-12-31',
      category: '政务服务环境',
      timeliness: '立行立改',
      source: '座谈会',
      state: 'assigned',
    });
    const [rsj] = await db().select().from(units).where(eq(units.shortName, '市人社局'));
    expect(p1.leadUnitId).toBe(rsj!.id);
    // 10 workdays after Thu 2026-11-26.
    expect((await byKey('no:2'))!.deadline).toBe('2026-12-10');
    const p3 = (await byKey('no:3'))!;
    expect(p3).toMatchObject({
      deadline: '2027-03-31',
      timeliness: '长期整改',
      source: '走访',
      category: null,
    });
    expect(await db().select().from(problemCoUnits).where(eq(problemCoUnits.problemId, p3.id))).toHaveLength(
      2,
    );

    // Cards through the outbox: the lead unit's contacts, a 配合 copy to cooperating units.
    for (const who of [P.lead1, P.lead2]) {
      const c = cardOf(h, who, p1.code);
      expect(c.buttons.map((b) => b.label)).toContain('签收');
    }
    expect(cardOf(h, P.co, p1.code).text).toContain('【配合】');
    expect(cardOf(h, P.co, (await byKey('no:2'))!.code).buttons.map((b) => b.label)).toContain('签收');
    expect(cardOf(h, P.other, p3.code).text).toContain('校车接送线路规划不合理');

    // The preview card now says what happened; the file message got a summary.
    expect(latestText(preview)).toContain('已导入问题清单');
    expect(latestText(preview)).toContain(`已导入并交办 3 件问题（${p1.code} 至 ${p3.code}）`);
    const summary = h.fake.messages
      .filter((m) => m.msgType === 'text')
      .map(read)
      .find((m) => m.text.includes('已导入并交办 3 件问题'));
    expect(summary).toBeDefined();
  });

  it("imports into the uploader's current campaign, named in the preview, against that campaign's categories", async () => {
    const B = '导入测试议题';
    await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 类别:城乡建设,教育卫生`);
    await ask(h, P.staff, `/议题 切换 ${B}`);
    try {
      const wrong = await send(
        await workbook([[101, '类别不属于本议题', '', '市民政局', '', '政务服务环境', '', '2026-12-31', '']]),
      );
      expect(wrong.preview.text).toContain(`导入议题：${B}`);
      expect(wrong.preview.text).toContain('有误 1 行');
      const { preview } = await send(
        await workbook([[102, '乙议题导入的问题', '', '市民政局', '', '城乡建设', '', '2026-12-31', '']]),
      );
      expect(preview.text).toContain(`导入议题：${B}`);
      // A switch after the preview does not move the rows: the draft carries its campaign.
      await ask(h, P.staff, '/议题 切换 默认议题');
      await confirm(preview);
      const row = (await byKey('no:102'))!;
      const [c] = await db().select().from(campaigns).where(eq(campaigns.id, row.campaignId));
      expect(c?.name).toBe(B);
    } finally {
      await ask(h, P.staff, '/议题 切换 默认议题');
    }
  });

  it('imports nothing from a file with bad rows, and reports every error by row number', async () => {
    const before = await count();
    const drafts = (await db().select().from(importDrafts)).length;
    const { preview } = await send(
      await workbook([
        [11, '好的一行', '', '市人社局', '', '', '', '2026-12-31', ''],
        [12, '', '', '市人社局', '', '', '', '2026-12-31', ''],
        [13, '类别写错', '', '市人社局', '', '营商环境', '', '2026-12-31', ''],
        [14, '期限已过', '', '市人社局', '', '', '', '2026-01-05', ''],
        [15, '来源写错', '', '市人社局', '', '', '马上整改', '2026-12-31', '座谈'],
        [16, '期限格式不对', '', '市民政局', '', '', '', '下个月', ''],
        [17, '缺单位', '', '', '', '', '', '2026-12-31', ''],
        [11, '序号重复', '', '市人社局', '', '', '', '2026-12-31', ''],
      ]),
    );
    expect(preview.text).toContain('导入问题清单：文件有误');
    expect(preview.text).toContain('有误 7 行');
    expect(preview.text).toContain('第 3 行：缺少问题标题');
    expect(preview.text).toContain('第 4 行：类别「营商环境」无效');
    expect(preview.text).toMatch(/第 5 行：期限 2026年1月5日 早于今天/);
    expect(preview.text).toMatch(/第 6 行：时效「马上整改」无效.*；来源「座谈」无效，您是否要写「座谈会」？/);
    expect(preview.text).toContain('第 7 行：期限「下个月」格式有误');
    expect(preview.text).toContain('第 8 行：缺少牵头单位');
    expect(preview.text).toContain('第 9 行：与第 2 行重复（序号「11」相同）');
    expect(preview.buttons).toHaveLength(0);
    expect(await count()).toBe(before);
    expect(await db().select().from(importDrafts)).toHaveLength(drafts);
  });

  it('reports every error of a long file: what the card cannot hold follows as text', async () => {
    const rows: Cell[][] = Array.from({ length: 60 }, (_, i) => [
      100 + i,
      `第${i}个问题`,
      '',
      '市人社局',
      '',
      '',
      '',
      '',
      '',
    ]);
    const { preview, replies } = await send(await workbook(rows));
    expect(preview.text).toContain('有误 60 行');
    expect(preview.text).toContain('……另有 20 行有误，完整清单见下一条消息');
    const all = replies
      .filter((r) => r.msgType === 'text')
      .map((r) => r.text)
      .join('\n');
    for (let row = 2; row <= 61; row++) expect(all).toContain(`第 ${row} 行：缺少期限`);

    // Unknown names by the dozen: a wrong column, or units to register in the units sheet first.
    const many = Array.from(
      { length: 51 },
      (_, i) => [200 + i, `问题${i}`, '', `新单位${i}`, '', '', '', '2026-12-31', ''] as Cell[],
    );
    const tooMany = await send(await workbook(many));
    expect(tooMany.preview.text).toContain('未登记的单位超过 50 个，未导入');
    expect(tooMany.preview.buttons).toHaveLength(0);
  });

  it('duplicates nothing when the same file or an overlapping one is imported again', async () => {
    const before = await count();
    const again = await send(await workbook(VALID));
    expect(again.preview.text).toContain('可导入 0 行；已存在 3 行，跳过');
    expect(again.preview.text).toContain('没有需要导入的新内容');
    expect(again.preview.buttons).toHaveLength(0);

    // Rows 2 and 3 again (one with a changed deadline: still the same problem), and a new row 4.
    const overlap = await send(
      await workbook([
        VALID[1]!,
        [3, '校车接送线路规划不合理', '', '市教育局', '', '', '', '2027-06-30', ''],
        [4, '公办幼儿园学位紧张', '', '市教育局', '', '要素保障', '长期整改', '2027-06-30', '走访'],
      ]),
    );
    expect(overlap.preview.text).toContain('可导入 1 行；已存在 2 行，跳过');
    await confirm(overlap.preview);
    expect(await count()).toBe(before + 1);
    expect(latestText(overlap.preview)).toContain('已存在 2 行，跳过');
    expect((await byKey('no:3'))!.deadline).toBe('2027-03-31');

    // Without 序号 the title and lead unit identify a row, whichever of the unit's names is used.
    const noNumber = await workbook([
      [null, '窗口午休时间不能办事', '', '市人社局', '', '', '', '2026-12-31', ''],
    ]);
    await confirm((await send(noNumber)).preview);
    expect(await count()).toBe(before + 2);
    const renamed = await send(
      await workbook([
        [null, '窗口午休时间不能办事', '', '市人力资源和社会保障局', '', '', '', '2027-01-31', ''],
      ]),
    );
    expect(renamed.preview.text).toContain('可导入 0 行；已存在 1 行，跳过');
    expect(await count()).toBe(before + 2);

    // A 序号 used before for another problem is an error, not a silent skip.
    const clash = await send(
      await workbook([[2, '完全不同的问题', '', '市民政局', '', '', '', '2026-12-31', '']]),
    );
    expect(clash.preview.text).toMatch(
      /第 2 行：序号「2」已用于 DB-2026-\d{3}「高龄津贴发放不及时」，与本行标题不同/,
    );
    expect(clash.preview.buttons).toHaveLength(0);
  });

  it('lists unknown units with a did-you-mean, and creates only those staff tick', async () => {
    const before = await count();
    const { preview } = await send(
      await workbook([
        [
          21,
          '医疗机构执业登记材料多',
          '',
          '市卫健局',
          '市民政局',
          '政务服务环境',
          '立行立改',
          '2026-12-31',
          '',
        ],
        [22, '人社窗口排队时间长', '', '市人社', '', '', '', '2026-12-31', ''],
      ]),
    );
    expect(preview.text).toContain('未登记的单位');
    expect(preview.text).toContain('市卫健局（第 2 行）');
    expect(preview.text).toMatch(/市人社（第 3 行）\s*您是否要找：.*市人社局/);
    const submit = preview.buttons.find((b) => b.label === '确认导入')!;
    expect(submit.formFields?.map((f) => [f.name, f.kind, f.options])).toEqual([
      ['new_units', 'multi_select_static', ['市卫健局', '市人社']],
    ]);

    // Nothing ticked: refused, nothing written, the draft still waits.
    const refused = await confirm(preview, {});
    expect(refused.body.toast?.type).toBe('error');
    expect(refused.body.toast?.content).toContain('牵头单位「市卫健局」不存在');
    expect(refused.body.toast?.content).toContain('第 3 行');
    expect(await count()).toBe(before);
    expect(await db().select().from(units).where(eq(units.name, '市卫健局'))).toHaveLength(0);

    // Only one ticked: still all or nothing.
    const partly = await confirm(preview, { new_units: ['市卫健局'] });
    expect(partly.body.toast?.content).toContain('「市人社」不存在');
    expect(await db().select().from(units).where(eq(units.name, '市卫健局'))).toHaveLength(0);

    const ok = await confirm(preview, { new_units: ['市卫健局', '市人社'] });
    expect(ok.body.toast?.type).toBe('success');
    expect(await count()).toBe(before + 2);
    const [wj] = await db().select().from(units).where(eq(units.name, '市卫健局'));
    expect((await byKey('no:21'))!.leadUnitId).toBe(wj!.id);
    expect(latestText(preview)).toContain('新建单位 2 个：市卫健局、市人社');
    expect(latestText(preview)).toContain('市卫健局尚未设置联络员');

    const twice = await h.click(P.staff, {
      messageId: preview.messageId,
      value: preview.buttons.find((b) => b.label === '确认导入')!.value,
      formValue: {},
    });
    expect(twice.body.toast?.content).toContain('已导入');
  });

  it('sets up units and contacts from the second sheet, by e-mail or mobile', async () => {
    h.fake.addUser({
      open_id: 'ou_kj_sun',
      name: '孙悦',
      email: 'sunyue@example.gov.cn',
      mobile: '+8613911112222',
    });
    h.fake.addUser({ open_id: 'ou_kj_zhou', name: '周航', email: 'zhouhang@example.gov.cn' });
    const bad = await send(
      await workbook(
        [[31, '中小企业融资难融资贵', '', '市科经局', '', '要素保障', '长期整改', '2027-06-30', '座谈会']],
        {
          unitsSheet: [
            [
              '市科学技术和经济信息化局',
              '市科经局',
              '市科技经信局',
              'sunyue@example.gov.cn、nobody@example.gov.cn',
            ],
          ],
        },
      ),
    );
    expect(bad.preview.text).toContain(
      '「单位与联络员」第 2 行：通讯录中未找到邮箱为 nobody@example.gov.cn 的人员',
    );
    expect(bad.preview.buttons).toHaveLength(0);

    const before = await count();
    const { preview } = await send(
      await workbook(
        [
          [
            31,
            '中小企业融资难融资贵',
            '',
            '市科技经信局',
            '',
            '要素保障',
            '长期整改',
            '2027-06-30',
            '座谈会',
          ],
        ],
        {
          unitsSheet: [
            ['市科学技术和经济信息化局', '市科经局', '市科技经信局', 'sunyue@example.gov.cn'],
            ['市科学技术和经济信息化局', '', '', '139-1111-2222，zhouhang@example.gov.cn'],
            ['市教育局', '', '', EMAIL(P.stranger)],
          ],
        },
      ),
    );
    expect(preview.text).toContain(
      '将新建单位（来自「单位与联络员」表）：市科学技术和经济信息化局（市科经局）',
    );
    expect(preview.text).toContain('将添加联络员：市科学技术和经济信息化局 孙悦、周航；市教育局 路人甲');
    expect(preview.text).not.toContain('未登记的单位');
    await confirm(preview);
    expect(await count()).toBe(before + 1);
    const [kj] = await db().select().from(units).where(eq(units.name, '市科学技术和经济信息化局'));
    expect(kj).toMatchObject({ shortName: '市科经局', aliases: ['市科技经信局'] });
    const contacts = await db()
      .select()
      .from(unitContacts)
      .where(inArray(unitContacts.unitId, [kj!.id]));
    expect(contacts.map((c) => c.openId).sort()).toEqual(['ou_kj_sun', 'ou_kj_zhou']);
    const code = (await byKey('no:31'))!.code;
    expect(cardOf(h, 'ou_kj_sun', code).buttons.map((b) => b.label)).toContain('签收');
    // A new contact of an existing unit receives the unit's open problems (hand-over).
    expect(cardOf(h, P.stranger, (await byKey('no:3'))!.code).text).toContain('联络员');
    expect(latestText(preview)).toContain('添加联络员 3 人');
  });

  it('取消 drops the draft and changes nothing', async () => {
    const before = await count();
    const { preview } = await send(
      await workbook([[41, '取消的问题', '', '市人社局', '', '', '', '2026-12-31', '']]),
    );
    const b = preview.buttons.find((x) => x.label === '取消')!;
    const r = await h.click(P.staff, { messageId: preview.messageId, value: b.value });
    expect(r.body.toast?.content).toContain('已取消导入');
    expect(await confirm(preview).then((x) => x.body.toast?.content)).toContain('已取消');
    expect(await count()).toBe(before);
  });

  it('reads headers in any order and synonyms, Excel date cells, and skips the example row', async () => {
    const before = await count();
    const bytes = await workbook(
      [
        [EXAMPLE_ROW.title!, '示例', '市政数局', '2026-12-31'],
        ['责任单位写法', 51, '市民政局', new Date(Date.UTC(2027, 0, 15))],
      ],
      { head: ['标题', '编号', '责任单位', '完成时限'] },
    );
    const { preview } = await send(bytes);
    expect(preview.text).toContain('第 2 行：示例行，未导入');
    expect(preview.text).toContain('可导入 1 行');
    await confirm(preview);
    expect(await count()).toBe(before + 1);
    expect((await byKey('no:51'))!.deadline).toBe('2027-01-15');
  });

  it('answers a file it cannot read, and leaves files from non-staff and replies to cards to evidence', async () => {
    const junk = await send(Buffer.from('not a workbook'));
    expect(junk.replies.map((r) => r.text).join('\n')).toContain('无法读取该文件');
    const noHeaders = await send(await workbook([['a', 'b']], { head: ['甲', '乙'] }));
    expect(noHeaders.replies[0]!.text).toContain('没有找到问题清单');
    const oldFormat = await send(Buffer.from('legacy'), P.staff, '清单.xls');
    expect(oldFormat.replies[0]!.text).toContain('另存为 Excel 工作簿（.xlsx）');

    const drafts = (await db().select().from(importDrafts)).length;
    // A unit contact's .xlsx is evidence: asked which problem it belongs to, never imported.
    const fromContact = await send(await workbook(VALID), P.lead1, '台账.xlsx');
    expect(fromContact.preview.text).toContain('这份材料属于哪个问题');
    expect((await db().select().from(importDrafts)).length).toBe(drafts);
    expect(await db().select().from(problems).where(isNotNull(problems.importKey))).not.toHaveLength(0);
  });

  it('/导入模板 sends a template whose columns the importer reads', async () => {
    const r = await ask(h, P.staff, '/导入模板');
    expect(r.msgType).toBe('file');
    const up = h.fake.uploads.at(-1)!;
    expect(up.fileName).toBe('督办问题清单导入模板.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(up.bytes).buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '问题清单',
      '单位与联络员',
      '现有单位（参考）',
      '填写说明',
    ]);
    const head = wb.getWorksheet('问题清单')!.getRow(1).values as unknown[];
    expect(head.slice(1)).toEqual(HEAD);
    expect(wb.getWorksheet('问题清单')!.getRow(2).getCell(1).value).toBe('示例');
    expect(wb.getWorksheet('问题清单')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const known = wb.getWorksheet('现有单位（参考）')!.getColumn(1).values.slice(2);
    expect(known).toContain('市人力资源和社会保障局');

    // The template as sent imports nothing (its only row is the example).
    const back = await send(up.bytes);
    expect(back.preview.text).toContain('示例行，未导入');
    expect(back.preview.buttons).toHaveLength(0);

    const refused = await ask(h, P.lead1, '/导入模板');
    expect(refused.text).toContain('仅限');
  });
});

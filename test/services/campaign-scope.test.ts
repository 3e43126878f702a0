import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaigns, problems } from '../../db/schema/index.js';
import type { runReminders } from '../../src/services/reminders.js';
import { ask, assignAs, cardOf, P, press, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/** 10:00 in Asia/Shanghai on a day. */
const at = (day: string, hh = '10') => new Date(`${day}T${hh}:00:00+08:00`);
let now = at('2026-11-02'); // Monday
let h: Harness;
const A = '默认议题';
const B = '2027年代表建议办理';

useCampaign({ clock: () => now }, (x) => {
  h = x;
});

/** Staff assign one problem into each campaign (B through 议题:, without switching). */
async function twoCampaigns(tag: string) {
  await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027 类别:城乡建设,教育卫生`);
  const a = await assignAs(h, `甲议题问题${tag} 单位:市人社局 期限:2026-12-31 类别:政务服务环境`);
  const b = await assignAs(h, `乙议题问题${tag} 单位:市人社局 期限:2026-12-31 类别:城乡建设 议题:${B}`);
  return { a: a.code, b: b.code, replyB: b.reply };
}

const uploadedSheet = async (name: string) => {
  const up = h.fake.uploads.at(-1)!;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(up.bytes).buffer);
  const ws = wb.getWorksheet(name)!;
  const cells: string[] = [];
  ws.eachRow((r) => cells.push(JSON.stringify(r.values)));
  return { fileName: up.fileName, text: cells.join('\n') };
};

describe('two campaigns side by side', () => {
  it('lists, figures, rankings, digests and exports never mix them; 议题: picks the other one', async () => {
    const { a, b, replyB } = await twoCampaigns('1');
    expect(replyB.text).toContain(`议题：${B}`);
    // The campaign's own categories: the 营商 six are not B's, B's are not the default's.
    const wrong = await ask(
      h,
      P.staff,
      `/交办 类别不符 单位:市人社局 期限:2026-12-31 类别:政务服务环境 议题:${B}`,
    );
    expect(wrong.text).toContain(`类别「政务服务环境」无效，议题「${B}」的类别可选：城乡建设、教育卫生`);

    const listA = await ask(h, P.staff, '/清单');
    expect(listA.text).toContain(`议题：${A}`);
    expect(listA.text).toContain(a);
    expect(listA.text).not.toContain(b);
    const listB = await ask(h, P.staff, `/清单 议题:${B}`);
    expect(listB.text).toContain(b);
    expect(listB.text).not.toContain(a);

    const statsB = await ask(h, P.staff, `/统计 议题:${B}`);
    expect(statsB.text).toContain(`议题：${B}`);
    expect(statsB.text).toContain('问题总数：1 件');
    const rankB = await ask(h, P.staff, `/排名 议题:${B}`);
    expect(rankB.text).toContain('市人力资源和社会保障局　牵头 1 件');

    const digestB = await ask(h, P.staff, `/周报 议题:${B}`);
    expect(digestB.text).toContain(`议题：${B}`);
    expect(digestB.text).not.toContain(`议题：${A}`);

    await ask(h, P.staff, `/导出 议题:${B}`);
    const sheet = await uploadedSheet('问题清单');
    expect(sheet.fileName).toContain(B);
    expect(sheet.text).toContain(b);
    expect(sheet.text).not.toContain(a);
  });

  it("an edit to a category outside the problem's campaign is refused, changing nothing", async () => {
    const { b } = await twoCampaigns('3');
    const show = await ask(h, P.staff, `/查看 ${b}`);
    const [before] = await h.database.db.select().from(problems).where(eq(problems.code, b));
    const refused = await h.click(P.staff, {
      messageId: show.messageId,
      value: { action: 'p.edit', pid: before!.id },
      formValue: { category: '政务服务环境' },
    });
    expect(JSON.stringify(refused.body)).toContain('类别「政务服务环境」无效，可选：城乡建设、教育卫生');
    const [row] = await h.database.db.select().from(problems).where(eq(problems.code, b));
    expect(row?.category).toBe('城乡建设');
  });

  it('an unknown 议题: gets "did you mean" and the list command, and changes nothing', async () => {
    await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027 类别:城乡建设,教育卫生`);
    const before = (await h.database.db.select().from(problems)).length;
    const r = await ask(h, P.staff, '/交办 错名议题 单位:市人社局 期限:2026-12-31 议题:2027年代表建议');
    expect(r.text).toContain('未找到议题「2027年代表建议」');
    expect(r.text).toContain(`您是否要找：${B}`);
    expect(r.text).toContain('/议题 列表');
    expect((await ask(h, P.staff, '/统计 议题:无此议题')).text).toContain('未找到议题「无此议题」');
    expect((await h.database.db.select().from(problems)).length).toBe(before);
  });

  it("a unit contact's list spans the open campaigns, grouped by campaign", async () => {
    const { a, b } = await twoCampaigns('2');
    const list = await ask(h, P.lead1, '/清单');
    expect(list.text).toContain(`【${A}】`);
    expect(list.text).toContain(`【${B}】`);
    expect(list.text.indexOf(`【${A}】`)).toBeLessThan(list.text.indexOf(a));
    expect(list.text.indexOf(`【${B}】`)).toBeLessThan(list.text.indexOf(b));
    expect(list.text.indexOf(a)).toBeLessThan(list.text.indexOf(`【${B}】`));
  });

  it('a form opened before /议题 切换 still assigns into its own campaign', async () => {
    await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027 类别:城乡建设,教育卫生`);
    const form = await ask(h, P.staff, '/交办');
    expect(form.text).toContain(`议题：${A}`);
    await ask(h, P.staff, `/议题 切换 ${B}`);
    try {
      const submit = form.buttons.find((x) => x.label === '提交')!;
      await h.click(P.staff, {
        messageId: form.messageId,
        value: submit.value,
        formValue: {
          title: '切换前打开的表单',
          lead_unit: '市人力资源和社会保障局',
          deadline: '2026-12-31',
          category: '政务服务环境',
          timeliness: '长期整改',
        },
      });
      const [row] = await h.database.db.select().from(problems).where(eq(problems.title, '切换前打开的表单'));
      expect(row?.campaignId).toBe(1);
    } finally {
      await ask(h, P.staff, `/议题 切换 ${A}`);
    }
  });
});

describe('archive', () => {
  /** Runs the reminders job on a day and returns what each person received. */
  async function remind(day: string) {
    now = at(day);
    const result = (await h.service.deps.runJob!('reminders', now)) as Awaited<
      ReturnType<typeof runReminders>
    >;
    await h.dispatch();
    const got = h.drain().map(read);
    return { result, to: (who: string) => got.filter((m) => m.receiveId === who) };
  }

  it('is refused with open problems unless 强制; then nobody is chased for it at D+3, its problems are read-only, and 恢复 undoes it', async () => {
    now = at('2026-11-09', '09');
    await ask(h, P.staff, '/议题 新建 归档测试 类别:城乡建设');
    const { code } = await assignAs(h, '归档后逾期的问题 单位:市人社局 期限:2026-11-10 议题:归档测试');
    h.drain();
    const refused = await ask(h, P.staff, '/议题 归档 归档测试');
    expect(refused.text).toContain('还有 1 件未办结的问题，不能归档');
    expect(refused.text).toContain('/议题 归档 归档测试 强制');

    const archived = await ask(h, P.staff, '/议题 归档 归档测试 强制');
    expect(archived.text).toContain('1 件未办结的问题保留原状，只能查看');
    // D+3 after the deadline: overdue, but its campaign is archived.
    const d3 = await remind('2026-11-13');
    expect(d3.to(P.lead1).filter((m) => m.text.includes(code))).toHaveLength(0);
    expect(d3.to(P.sup).filter((m) => m.text.includes(code))).toHaveLength(0);

    const card = cardOf(h, P.lead1, code);
    const before = (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;
    const click = await press(h, P.lead1, card, '签收');
    expect(JSON.stringify(click)).toContain('所属议题「归档测试」已归档');
    const after = (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;
    expect(after.state).toBe(before.state);
    expect((await ask(h, P.staff, `/查看 ${code}`)).text).toContain(code);
    expect(
      (await ask(h, P.staff, '/交办 归档后新增 单位:市人社局 期限:2026-12-31 议题:归档测试')).text,
    ).toContain('已归档，不能再新增问题');

    expect((await ask(h, P.staff, '/议题 恢复 归档测试')).text).toContain('已恢复议题「归档测试」');
    const later = await remind('2026-11-16');
    expect(later.to(P.lead1).some((m) => m.text.includes(code))).toBe(true);
  });
});

describe('anonymous feedback, the web form and the scheduled digest', () => {
  it('feedback belongs to no campaign until triage puts it into the one chosen on the card', async () => {
    await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027 类别:城乡建设,教育卫生`);
    await h.say(P.stranger, '/匿名反馈 小区门口道路破损多年无人维修');
    await h.dispatch();
    h.drain();
    const leads = await ask(h, P.staff, '/线索');
    const cards = [leads, ...h.drain().map(read)].filter((m) => m.text.includes('道路破损'));
    const card = cards[0]!;
    const convert = card.buttons.find((b) => b.label === '转为问题')!;
    const field = convert.formFields?.find((f) => f.name === 'campaign');
    expect(field).toBeDefined();
    const r = await h.click(P.staff, {
      messageId: card.messageId,
      value: convert.value,
      formValue: {
        campaign: String((await campaignId(B))!),
        title: '小区门口道路破损',
        lead_unit: '市人社局',
        deadline: '2026-12-31',
        category: '城乡建设',
        timeliness: '长期整改',
      },
    });
    expect(JSON.stringify(r.body)).toContain(`议题：${B}`);
    const [row] = await h.database.db.select().from(problems).where(eq(problems.title, '小区门口道路破损'));
    expect(row?.campaignId).toBe(await campaignId(B));
  });

  it("the web form's title comes from the configuration, not a campaign", async () => {
    const page = await (await fetch(`${h.url}/feedback`)).text();
    expect(page).toContain('<h1>人大常委会办公室 · 匿名反馈</h1>');
    expect(page).not.toContain('营商环境');
  });

  it('the scheduled digest is one card with a section per open campaign; an archived one has none', async () => {
    await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027 类别:城乡建设,教育卫生`);
    await ask(h, P.staff, '/议题 新建 已归档议题');
    await ask(h, P.staff, '/议题 归档 已归档议题');
    now = at('2026-11-23'); // a Monday: a new week for the digest's once-a-week key
    await h.service.deps.runJob!('digest', now);
    await h.dispatch();
    const cards = h
      .drain()
      .map(read)
      .filter((m) => m.receiveId === P.staff && m.text.includes('督办周报'));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.text).toContain(`议题：${A}`);
    expect(cards[0]!.text).toContain(`议题：${B}`);
    expect(cards[0]!.text).not.toContain('议题：已归档议题');
    // Each section with problems carries its campaign's 办结率 trend, a chart Lark draws itself.
    const content = cards[0]!.content;
    expect(content).toContain('办结率趋势');
    expect(content).toContain('"type":"line"');
  });
});

async function campaignId(name: string) {
  const [c] = await h.database.db.select().from(campaigns).where(eq(campaigns.name, name));
  return c?.id;
}

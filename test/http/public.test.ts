import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, evaluations, problems, reinspectionItems, units } from '../../db/schema/index.js';
import { verifyAudit } from '../../src/audit/chain.js';
import { campaignSlug } from '../../src/domain/campaign.js';
import type { ProblemState } from '../../src/domain/problem.js';
import { type PoolRow, tallyPool } from '../../src/domain/tally.js';
import { defaultCampaign } from '../../src/services/campaigns/read.js';
import { ask, codeIn, P, read, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * GET /public and /公开: what the public may read, and nothing else. The world: three units, problems
 * published and not, one withdrawn from the page, one 撤销, one from 线上匿名, a published vote and an
 * unpublished one, a 回头看 round. The clock reads 2026-11-26 14:05 in Asia/Shanghai.
 */

const now = new Date('2026-11-26T06:05:00Z');
let h: Harness;

const ANON_SENDER = 'ou_anon_public_5e1d';
const ANON_TEXT = '我们宏达精密机械公司办营业执照跑了三趟，窗口的孙科长让我们重复交材料';
const ANON_STAFF_TITLE = '宏达精密反映营业执照重复交材料';
const ANON_PUBLIC_TITLE = '某街道窗口营业执照办理要求重复提交材料';
const DESCRIPTION = '企业负责人周建国反映，需到三个窗口分别提交相同材料';
const PEOPLE = ['张伟', '赵磊', '刘芳', '陈静', '王敏', '李强', '路人甲', '管理员甲', '匿名人士'];

const code: Record<string, string> = {};

async function assign(key: string, args: string) {
  const r = await ask(h, P.staff, `/交办 ${args}`);
  const c = codeIn(r.text);
  if (!c) throw new Error(`/交办 ${args}: ${r.text}`);
  code[key] = c;
  return c;
}

const setState = (c: string, state: ProblemState, extra: Partial<typeof problems.$inferInsert> = {}) =>
  h.database.db
    .update(problems)
    .set({ state, ...extra })
    .where(eq(problems.code, c));

/** The default campaign's page (GET /public/<slug>), where every problem of this file lives. */
let base = '';
async function page(query = ''): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await fetch(`${h.url}${base}${query}`);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The codes the problem list shows, in order. */
const listed = (html: string) => [...html.matchAll(/class="code">(DB-\d{4}-\d{3,})</g)].map((m) => m[1]!);
/** The HTML of a section of the page. */
const section = (html: string, id: string) =>
  (html.split(`<section id="${id}">`)[1] ?? '').split('</section>')[0]!;
/** A table row's cells as text, found by its first cell. */
function rowOf(html: string, first: string): string[] {
  for (const tr of html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) {
    const cells = [...tr.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    if (cells[0]?.replace(/ ★$/, '') === first) return cells;
  }
  throw new Error(`no row ${first}`);
}

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);

  // 市人社局: 4 problems, 2 published (one closed); 市教育局: 3, one overdue; 市民政局: 1, unpublished.
  await assign(
    'a',
    `企业开办材料重复提交 单位:市人社局 期限:2026-12-31 类别:政务服务环境 描述:${DESCRIPTION}`,
  );
  await assign('b', '社保补贴申领流程繁琐 单位:市人社局 期限:2026-12-31 类别:政策兑现');
  await assign('c', '用工招聘信息发布渠道少 单位:市人社局 期限:2026-12-31 类别:要素保障');
  await assign('d', '未公开的内部问题 单位:市人社局 期限:2026-12-31 类别:作风建设');
  await assign('e', '学校周边道路施工影响企业运输 单位:市教育局 期限:2026-12-31 类别:要素保障');
  await assign('f', '校企合作项目审批慢 单位:市教育局 期限:2026-12-31 类别:政务服务环境');
  await assign('g', '交办有误后撤销 单位:市教育局 期限:2026-12-31 类别:部门执法');
  await assign('h', '养老机构备案材料多 单位:市民政局 期限:2026-12-31 类别:政务服务环境');
  await setState(code.b!, 'closed', { closedAt: now });
  await setState(code.e!, 'in_progress', { deadline: '2026-11-20' });

  // 线上匿名: converted without a public title (the text reaches the unit unaltered, never the public).
  h.fake.addUser({ open_id: ANON_SENDER, name: '匿名人士' });
  await h.say(ANON_SENDER, `/匿名反馈 ${ANON_TEXT}`);
  await h.dispatch();
  await ask(h, P.staff, '/线索');
  const card = [...h.fake.messages]
    .reverse()
    .map(read)
    .find((m) => m.text.includes(ANON_TEXT))!;
  const convert = card.buttons.find((b) => b.label === '转为问题')!;
  const r = await h.click(P.staff, {
    messageId: card.messageId,
    value: convert.value,
    formValue: {
      title: ANON_STAFF_TITLE,
      lead_unit: '市人社局',
      deadline: '2026-12-31 +0800',
      category: '政务服务环境',
      timeliness: '立行立改',
    },
  });
  code.anon = codeIn(r.body.toast!.content);
  expect(code.anon).toMatch(/^DB-2026-\d{3}$/);

  for (const k of ['a', 'b', 'c', 'e', 'f', 'g']) {
    const reply = await ask(h, P.staff, `/公开 ${code[k]}`);
    expect(reply.text).toContain('已在公开页面公布 1 件问题');
  }
  await setState(code.g!, 'withdrawn');

  // A published vote over 市人社局 and 市教育局, and a closed one not yet published.
  const [rs] = await h.database.db.select().from(units).where(eq(units.shortName, '市人社局'));
  const [jy] = await h.database.db.select().from(units).where(eq(units.name, '市教育局'));
  const pool: PoolRow[] = [];
  const vote = (cat: string, unitId: number, choice: string, n: number) => {
    for (let i = 0; i < n; i++) pool.push({ category: cat, unitId, choice });
  };
  vote('常委会委员', rs!.id, 'satisfied', 4);
  vote('常委会委员', rs!.id, 'basic', 1);
  vote('企业家代表', rs!.id, 'satisfied', 3);
  vote('常委会委员', jy!.id, 'satisfied', 2);
  vote('常委会委员', jy!.id, 'basic', 1);
  vote('常委会委员', jy!.id, 'dissatisfied', 2);
  vote('企业家代表', jy!.id, 'satisfied', 3);
  const result = tallyPool(
    [
      { id: rs!.id, name: rs!.name },
      { id: jy!.id, name: jy!.name },
    ],
    pool,
  );
  const [published] = await h.database.db
    .insert(evaluations)
    .values({
      name: '满意度测评（2026年11月20日）',
      status: 'published',
      unitIds: [rs!.id, jy!.id],
      closedAt: now,
      results: result,
      publishedAt: new Date('2026-11-21T02:00:00Z'),
    })
    .returning();
  await h.database.db
    .insert(evaluations)
    .values({ name: '尚未公布的测评', status: 'closed', unitIds: [rs!.id], closedAt: now, results: result });
  const ids = await h.database.db.select({ id: problems.id, code: problems.code }).from(problems);
  const id = (c: string) => ids.find((x) => x.code === c)!.id;
  await h.database.db.insert(reinspectionItems).values([
    {
      evaluationId: published!.id,
      problemId: id(code.e!),
      unitId: jy!.id,
      status: 'confirmed',
      decidedBy: P.sup,
      decidedAt: new Date('2026-11-24T01:00:00Z'),
    },
    {
      evaluationId: published!.id,
      problemId: id(code.f!),
      unitId: jy!.id,
      status: 'reopened',
      decidedBy: P.sup,
      decidedAt: new Date('2026-11-24T02:00:00Z'),
    },
    { evaluationId: published!.id, problemId: id(code.g!), unitId: jy!.id, status: 'pending' },
  ]);
  await h.dispatch();
  h.drain();
  base = `/public/${campaignSlug(await defaultCampaign(h.database.db))}`;
});
afterAll(() => h.stop());

describe('GET /public/<slug>', () => {
  it('is a complete HTML page without script, for a phone, never cached stale', async () => {
    const p = await page();
    expect(p.status).toBe(200);
    expect(p.headers.get('content-type')).toContain('text/html');
    expect(p.headers.get('cache-control')).toBe('no-cache');
    expect(p.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(p.html.startsWith('<!doctype html>')).toBe(true);
    expect(p.html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(p.html).not.toMatch(/<script/i);
    expect(p.html).toContain(`<form class="filters" method="get" action="${base}#problems">`);
    expect(p.html).toContain('<title>默认议题 · 问题整改公开</title>');
    const c = await defaultCampaign(h.database.db);
    expect(p.html).toContain(`专项评议 · ${c.year}年度 · 进行中`);
  });

  it('shows the campaign figures over all problems, published or not', async () => {
    const { html } = await page();
    const figures = section(html, 'figures');
    // 9 problems, 1 撤销 → 8 counted; 1 closed; 7 open; 1 overdue.
    expect(figures).toMatch(/<b>8<\/b><span>问题总数<\/span>/);
    expect(figures).toMatch(/<b>1<\/b><span>已销号<\/span>/);
    expect(figures).toMatch(/<b>12\.5%<\/b><span>办结率<\/span>/);
    expect(figures).toMatch(/<b>7<\/b><span>未销号<\/span>/);
    expect(figures).toMatch(/<b>1<\/b><span>逾期<\/span>/);
    expect(rowOf(figures, '市人社局')).toEqual(['市人社局', '5', '1', '20.0%', '0']);
    expect(rowOf(figures, '市教育局')).toEqual(['市教育局', '2', '0', '0.0%', '1']);
    expect(rowOf(figures, '市民政局')).toEqual(['市民政局', '1', '0', '0.0%', '0']);
    expect(figures).toContain('title="市人力资源和社会保障局"');
  });

  it('says when it was last updated, in APP_TIMEZONE', async () => {
    const { html } = await page();
    expect(html).toContain('最近更新：2026年11月26日 14:05');
  });

  it('lists only published problems, with their public title, unit, category, state and deadline', async () => {
    const { html } = await page();
    expect(listed(html)).toEqual([code.a, code.b, code.c, code.e, code.f]);
    const list = section(html, 'problems');
    expect(list).toContain('企业开办材料重复提交');
    expect(list).toContain('市人社局 · 政务服务环境 · <span class="nw">整改期限 2026年12月31日</span>');
    expect(list).toMatch(new RegExp(`${code.b}</span><span class="badge b-closed">已销号`));
    expect(list).toMatch(
      new RegExp(
        `${code.e}</span><span class="badge b-in_progress">整改中</span><span class="badge b-overdue">逾期`,
      ),
    );
    expect(list).toContain('已公开 5 件');
    // Not published, and published but 撤销: not listed.
    expect(html).not.toContain('未公开的内部问题');
    expect(html).not.toContain(code.d);
    expect(html).not.toContain('交办有误后撤销');
    expect(html).not.toContain(DESCRIPTION);
  });

  it('filters by unit, category and state, and searches only what it shows', async () => {
    const [jy] = await h.database.db.select().from(units).where(eq(units.name, '市教育局'));
    expect(listed((await page(`?unit=${jy!.id}`)).html)).toEqual([code.e, code.f]);
    expect(listed((await page(`?category=${encodeURIComponent('要素保障')}`)).html)).toEqual([
      code.c,
      code.e,
    ]);
    expect(listed((await page('?state=closed')).html)).toEqual([code.b]);
    expect(listed((await page('?state=overdue')).html)).toEqual([code.e]);
    expect(listed((await page('?state=open')).html)).toEqual([code.a, code.c, code.e, code.f]);
    expect(
      listed((await page(`?unit=${jy!.id}&category=${encodeURIComponent('政务服务环境')}`)).html),
    ).toEqual([code.f]);
    expect(listed((await page(`?q=${encodeURIComponent('社保')}`)).html)).toEqual([code.b]);
    expect(listed((await page(`?q=${code.c}`)).html)).toEqual([code.c]);
    expect(listed((await page(`?q=${encodeURIComponent('教育局')}`)).html)).toEqual([code.e, code.f]);
    // A search cannot probe hidden text: descriptions, unpublished titles, LIKE wildcards.
    expect(listed((await page(`?q=${encodeURIComponent('周建国')}`)).html)).toEqual([]);
    expect(listed((await page(`?q=${encodeURIComponent('内部问题')}`)).html)).toEqual([]);
    expect(listed((await page('?q=%25')).html)).toEqual([]);
    const none = await page(`?q=${encodeURIComponent('周建国')}`);
    expect(none.html).toContain('没有符合条件的问题');
    expect(none.html).toContain('符合条件 0 件（已公开 5 件）');
    // The form keeps the choices.
    const kept = (await page(`?unit=${jy!.id}&state=overdue&q=${encodeURIComponent('施工')}`)).html;
    expect(kept).toContain(`<option value="${jy!.id}" selected="">市教育局</option>`);
    expect(kept).toContain('<option value="overdue" selected="">逾期</option>');
    expect(kept).toContain('value="施工"');
  });

  it('ignores bad parameters instead of failing', async () => {
    for (const q of [
      '?unit=abc',
      '?state=bogus',
      '?page=-3',
      '?page=999',
      '?category=',
      `?q=${'长'.repeat(500)}`,
    ]) {
      const p = await page(q);
      expect(p.status, q).toBe(200);
    }
    expect(listed((await page('?unit=abc&state=bogus')).html)).toHaveLength(5);
  });

  it('never shows anything of an anonymous submission; publishing one needs a public title', async () => {
    const refused = await ask(h, P.staff, `/公开 ${code.anon}`);
    expect(refused.text).toContain('来源于线上匿名反馈，须先拟定公开标题');
    expect(refused.text).toContain(`/公开 ${code.anon} 公开标题:<标题>`);
    // All or none: a batch with it publishes nothing.
    const batch = await ask(h, P.staff, `/公开 ${code.d},${code.anon}`);
    expect(batch.text).toContain('未公开任何问题');
    expect(listed((await page()).html)).not.toContain(code.d);
    expect(listed((await page()).html)).not.toContain(code.anon);

    const ok = await ask(h, P.staff, `/公开 ${code.anon} 公开标题：${ANON_PUBLIC_TITLE}`);
    expect(ok.text).toContain(`${code.anon}　${ANON_PUBLIC_TITLE}`);
    const { html } = await page();
    expect(listed(html)).toContain(code.anon);
    expect(html).toContain(ANON_PUBLIC_TITLE);
    expect(html).not.toContain(ANON_STAFF_TITLE);
    expect(html).not.toContain('宏达');
    // Its staff title and text are not searchable either.
    expect(listed((await page(`?q=${encodeURIComponent('宏达')}`)).html)).toEqual([]);
    expect(listed((await page(`?q=${encodeURIComponent('孙科长')}`)).html)).toEqual([]);
    expect(listed((await page(`?q=${encodeURIComponent('街道窗口')}`)).html)).toEqual([code.anon]);
  });

  it('a problem withdrawn from the page is no longer listed; all of it audited', async () => {
    const r = await ask(h, P.staff, `/公开 撤回 ${code.c}`);
    expect(r.text).toContain(`已从公开页面撤回：${code.c}`);
    expect(listed((await page()).html)).not.toContain(code.c);
    expect((await ask(h, P.staff, `/公开 撤回 ${code.c}`)).text).toContain('未在公开页面');
    const rows = await h.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'problem'), eq(auditLog.subjectId, code.c!)));
    expect(rows.map((x) => x.action)).toEqual(
      expect.arrayContaining(['disclosure.published', 'disclosure.withdrawn']),
    );
    expect(rows.find((x) => x.action === 'disclosure.withdrawn')!.actorOpenId).toBe(P.staff);
    expect((await verifyAudit(h.database.db)).ok).toBe(true);
    // Re-publishing brings it back.
    await ask(h, P.staff, `/公开 ${code.c}`);
    expect(listed((await page()).html)).toContain(code.c);
  });

  it('/公开 is for staff only, and refuses what cannot be published', async () => {
    expect((await ask(h, P.lead1, `/公开 ${code.d}`)).text).toContain('仅限工作人员');
    expect((await ask(h, P.sup, `/公开 ${code.d}`)).text).toContain('仅限工作人员');
    expect((await ask(h, P.staff, `/公开 ${code.g}`)).text).toContain('已撤销，不能公开');
    expect((await ask(h, P.staff, '/公开 DB-2026-999')).text).toContain('未找到问题 DB-2026-999');
    expect((await ask(h, P.staff, '/公开 不是编号')).text).toContain('不是有效的问题编号');
    expect((await ask(h, P.staff, `/公开 ${code.a},${code.b} 公开标题:两个`)).text).toContain(
      '公开标题只能逐个设置',
    );
    expect((await ask(h, P.staff, `/公开 ${code.a}`)).text).toContain('已在公开页面，无变化');
    expect((await ask(h, P.staff, '/公开')).text).toMatch(/公开页面现列出 \d+ 件问题/);
    expect(listed((await page()).html)).not.toContain(code.d);
  });

  it('a public title replaces the title on the page', async () => {
    const r = await ask(h, P.staff, `/公开 ${code.f} 公开标题:校企合作项目审批时限较长`);
    expect(r.text).toContain(`已更新 ${code.f} 的公开标题：校企合作项目审批时限较长`);
    const list = section((await page()).html, 'problems');
    expect(list).toContain('校企合作项目审批时限较长');
    expect(list).not.toContain('校企合作项目审批慢');
  });

  it('pages the list, keeping the filters in the links', async () => {
    const batch: string[] = [];
    for (let i = 1; i <= 18; i++)
      batch.push(await assign(`p${i}`, `批量问题第${i}项 单位:市民政局 期限:2026-12-31 类别:法治环境`));
    expect((await ask(h, P.staff, `/公开 ${batch.join(',')}`)).text).toContain('已在公开页面公布 18 件问题');
    const first = await page();
    const total = Number(/已公开 (\d+) 件/.exec(first.html)![1]);
    expect(total).toBeGreaterThan(20);
    expect(listed(first.html)).toHaveLength(20);
    expect(first.html).toContain('第 1 / 2 页');
    expect(first.html).toContain(`href="${base}?page=2#problems"`);
    const second = await page('?page=2');
    expect(listed(second.html)).toHaveLength(total - 20);
    expect(new Set([...listed(first.html), ...listed(second.html)]).size).toBe(total);
    // Filters travel with the page links.
    const [mz] = await h.database.db.select().from(units).where(eq(units.name, '市民政局'));
    const byUnit = await page(`?unit=${mz!.id}&q=${encodeURIComponent('批量')}`);
    expect(listed(byUnit.html)).toHaveLength(18);
    expect(byUnit.html).not.toContain('第 1 / 2 页');
    const open = await page('?state=open');
    expect(open.html).toContain(`href="${base}?state=open&amp;page=2#problems"`);
    expect(listed((await page('?state=open&page=2')).html).length).toBeGreaterThan(0);
    const beyond = await page('?page=999');
    expect(beyond.html).toContain('第 2 / 2 页');
    expect(beyond.html).toContain(`href="${base}#problems"`);
  });

  it('shows published vote results only: counts, rates and the ranking', async () => {
    const { html } = await page();
    const votes = section(html, 'votes');
    expect(votes).toContain('满意度测评（2026年11月20日）');
    expect(votes).toContain('2026年11月21日 10:00 公布');
    expect(html).not.toContain('尚未公布的测评');
    expect(rowOf(votes, '1. 市人社局')).toEqual(['1. 市人社局', '7 87.5%', '1 12.5%', '0 0.0%', '8']);
    expect(rowOf(votes, '2. 市教育局')).toEqual(['2. 市教育局', '5 62.5%', '1 12.5%', '2 25.0%', '8']);
  });

  it('shows the 回头看 outcome per unit, for published votes', async () => {
    const r = section((await page()).html, 'reinspection');
    expect(rowOf(r, '市教育局')).toEqual(['市教育局', '3', '1', '1', '1']);
  });

  it('contains nothing personal in any view: no names, no open_ids, no anonymous text', async () => {
    const [jy] = await h.database.db.select().from(units).where(eq(units.name, '市教育局'));
    const views = ['', '?page=2', `?unit=${jy!.id}`, '?state=closed', `?q=${encodeURIComponent('张')}`];
    for (const v of views) {
      const { html } = await page(v);
      for (const name of PEOPLE) expect(html.includes(name) ? `${name} in ${v}` : 'ok').toBe('ok');
      expect(html).not.toMatch(/\bou_|\bon_|\boc_|\bom_/);
      expect(html).not.toContain(ANON_TEXT);
      expect(html).not.toContain('孙科长');
      expect(html).not.toContain(ANON_STAFF_TITLE);
      expect(html).not.toContain(DESCRIPTION);
      expect(html).not.toContain('@example');
      expect(html).not.toMatch(/\+86\d+/);
    }
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns, evaluations, problems, reinspectionItems, units } from '../../db/schema/index.js';
import { campaignSlug } from '../../src/domain/campaign.js';
import type { ProblemState } from '../../src/domain/problem.js';
import { type PoolRow, tallyPool } from '../../src/domain/tally.js';
import { ask, codeIn, P, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Two campaigns side by side on the public pages and in /公开: A (the default, 默认议题) and B
 * (2027年代表建议办理), each with problems published and not, a closed problem, and a published vote
 * with a 回头看 round; C has a problem but nothing published. The pages never mix them.
 */

const now = new Date('2026-11-26T06:05:00Z');
const A = '默认议题';
const B = '2027年代表建议办理';
const C = '尚未公开的议题';
let h: Harness;
const code: Record<string, string> = {};
const slug: Record<string, string> = {};

async function assign(key: string, args: string) {
  const r = await ask(h, P.staff, `/交办 ${args}`);
  code[key] = codeIn(r.text)!;
  if (!code[key]) throw new Error(`/交办 ${args}: ${r.text}`);
}
const setState = (c: string, state: ProblemState) =>
  h.database.db
    .update(problems)
    .set({ state, ...(state === 'closed' ? { closedAt: now } : {}) })
    .where(eq(problems.code, c));
const get = (path: string) => fetch(`${h.url}${path}`, { redirect: 'manual' });
async function html(path: string): Promise<string> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
}
const listed = (page: string) => [...page.matchAll(/class="code">(DB-\d{4}-\d{3,})</g)].map((m) => m[1]!);
const section = (page: string, id: string) =>
  (page.split(`<section id="${id}">`)[1] ?? '').split('</section>')[0]!;
const stat = (page: string, label: string) =>
  new RegExp(`<b>([^<]+)</b><span>${label}</span>`).exec(section(page, 'figures'))?.[1];

async function publishVote(campaign: string, name: string, unitName: string, dissatisfied: number) {
  const [c] = await h.database.db.select().from(campaigns).where(eq(campaigns.name, campaign));
  const [u] = await h.database.db.select().from(units).where(eq(units.name, unitName));
  const pool: PoolRow[] = [];
  for (let i = 0; i < 4; i++) pool.push({ category: '常委会委员', unitId: u!.id, choice: 'satisfied' });
  for (let i = 0; i < dissatisfied; i++)
    pool.push({ category: '常委会委员', unitId: u!.id, choice: 'dissatisfied' });
  const [e] = await h.database.db
    .insert(evaluations)
    .values({
      name,
      campaignId: c!.id,
      status: 'published',
      unitIds: [u!.id],
      closedAt: now,
      publishedAt: now,
      results: tallyPool([{ id: u!.id, name: u!.name }], pool),
    })
    .returning();
  return { evaluationId: e!.id, unitId: u!.id };
}

beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  await assign('a1', '甲议题已公开的问题 单位:市人社局 期限:2026-12-31 类别:政务服务环境');
  await assign('a2', '甲议题已销号未公开 单位:市人社局 期限:2026-12-31 类别:政策兑现');
  await assign('a3', '甲议题未公开的问题 单位:市教育局 期限:2026-12-31 类别:要素保障');
  await setState(code.a2!, 'closed');
  expect((await ask(h, P.staff, `/公开 ${code.a1}`)).text).toContain(`议题「${A}」`);

  await ask(h, P.staff, `/议题 新建 ${B} 类型:代表建议 年度:2027`);
  await ask(h, P.staff, `/议题 切换 ${B}`);
  await assign('b1', '乙议题老旧小区加装电梯 单位:市民政局 期限:2026-12-31 类别:要素保障');
  await assign('b2', '乙议题学校周边交通秩序 单位:市教育局 期限:2026-12-31 类别:作风建设');
  await assign('b3', '乙议题已销号的建议 单位:市教育局 期限:2026-12-31 类别:作风建设');
  await setState(code.b3!, 'closed');
  await ask(h, P.staff, `/公开 ${code.b1},${code.b2}`);

  await ask(h, P.staff, `/议题 新建 ${C}`);
  await ask(h, P.staff, `/议题 切换 ${C}`);
  await assign('c1', '丙议题内部问题 单位:市民政局 期限:2026-12-31 类别:作风建设');
  await ask(h, P.staff, `/议题 切换 ${B}`);

  await publishVote(A, '甲议题满意度测评', '市人力资源和社会保障局', 0);
  const b = await publishVote(B, '乙议题满意度测评', '市教育局', 2);
  const [b2] = await h.database.db.select().from(problems).where(eq(problems.code, code.b2!));
  await h.database.db
    .insert(reinspectionItems)
    .values({ evaluationId: b.evaluationId, problemId: b2!.id, unitId: b.unitId, status: 'pending' });
  for (const c of await h.database.db.select().from(campaigns)) slug[c.name] = `/public/${campaignSlug(c)}`;
  await h.dispatch();
  h.drain();
});
afterAll(() => h.stop());

describe('the public pages of two campaigns', () => {
  it('/public lists only the campaigns with published content, each linking to its page', async () => {
    const page = await html('/public');
    const list = section(page, 'campaigns');
    expect(list).toContain(`<a href="${slug[A]}">${A}</a>`);
    expect(list).toContain(`<a href="${slug[B]}">${B}</a>`);
    expect(list).toContain('代表建议 · 2027年度');
    expect(list).toContain('问题 3 件 · 已销号 1 件 · 办结率 33.3% · 已公开 2 件 · 测评结果 1 次');
    expect(page).not.toContain(C);
    expect(page).not.toMatch(/<script/i);
    expect(slug[B]).toMatch(/^\/public\/2027-\d+$/);
  });

  it("each page shows its own figures, problems, vote and 回头看, never the other's", async () => {
    const a = await html(slug[A]!);
    const b = await html(slug[B]!);
    expect(listed(a)).toEqual([code.a1]);
    expect(listed(b)).toEqual([code.b1, code.b2]);
    expect(stat(a, '问题总数')).toBe('3');
    expect(stat(b, '问题总数')).toBe('3');
    expect(stat(a, '已销号')).toBe('1');
    expect(section(a, 'figures')).toContain('市人社局');
    expect(section(a, 'figures')).not.toContain('市民政局');
    expect(section(b, 'figures')).toContain('市民政局');
    expect(section(b, 'figures')).not.toContain('市人社局');
    expect(a).toContain('甲议题满意度测评');
    expect(a).not.toContain('乙议题');
    expect(b).toContain('乙议题满意度测评');
    expect(b).not.toContain('甲议题');
    expect(section(b, 'reinspection')).toContain('市教育局');
    expect(a).not.toContain('id="reinspection"');
    expect(b).toContain(`<h1>${B}</h1>`);
    // Filters stay inside the campaign: A's unit on B's page finds nothing of A.
    const [rs] = await h.database.db.select().from(units).where(eq(units.shortName, '市人社局'));
    expect(listed(await html(`${slug[B]}?unit=${rs!.id}`))).toEqual([]);
    expect(listed(await html(`${slug[B]}?q=${encodeURIComponent('甲议题')}`))).toEqual([]);
  });

  it('a campaign with nothing published, or no campaign, has no page', async () => {
    for (const path of [slug[C]!, '/public/2026-999', '/public/abc', '/public/2031-1', `${slug[A]}x`]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const text = await res.text();
      expect(text).toContain('未找到该议题的公开页面');
      expect(text).not.toContain(C);
      expect(text).not.toContain('丙议题');
    }
  });

  it('old links (/public?…) go to the default campaign with the same query', async () => {
    const res = await get('/public?state=open&page=2');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${slug[A]}?state=open&page=2`);
    expect((await get(`/public?unit=1&q=${encodeURIComponent('社保')}`)).headers.get('location')).toBe(
      `${slug[A]}?unit=1&q=${encodeURIComponent('社保')}`,
    );
    // Followed, the old link shows the default campaign's list.
    const followed = await fetch(`${h.url}/public?state=open`);
    expect(listed(await followed.text())).toEqual([code.a1]);
  });
});

describe('/公开 acts on one campaign', () => {
  it("全部已销号 in B publishes B's closed problems, not A's", async () => {
    const r = await ask(h, P.staff, '/公开 全部已销号');
    expect(r.text).toContain(`议题「${B}」：已在公开页面公布已销号问题 1 件：${code.b3}`);
    expect(r.text).toContain(`公开页面：本服务的 ${slug[B]}`);
    const [a2] = await h.database.db.select().from(problems).where(eq(problems.code, code.a2!));
    expect(a2!.publishedAt).toBeNull();
    expect(listed(await html(slug[A]!))).toEqual([code.a1]);
    expect(listed(await html(slug[B]!))).toContain(code.b3);
  });

  it("refuses A's codes while in B, changing nothing; 议题:A acts on A", async () => {
    const refused = await ask(h, P.staff, `/公开 ${code.b1},${code.a3}`);
    expect(refused.text).toContain(`${code.a3} 属于议题「${A}」`);
    expect(refused.text).toContain('未作任何改动');
    const [a3] = await h.database.db.select().from(problems).where(eq(problems.code, code.a3!));
    expect(a3!.publishedAt).toBeNull();
    const ok = await ask(h, P.staff, `/公开 ${code.a3} 议题:${A}`);
    expect(ok.text).toContain(`议题「${A}」：`);
    expect(ok.text).toContain(`${code.a3}　甲议题未公开的问题`);
    expect(listed(await html(slug[A]!))).toEqual([code.a1, code.a3]);
    const count = await ask(h, P.staff, `/公开 议题:${A}`);
    expect(count.text).toContain(`议题「${A}」的公开页面现列出 2 件问题`);
    const typo = await ask(h, P.staff, '/公开 全部已销号 议题:默认意题');
    expect(typo.text).toContain('未找到议题「默认意题」');
    expect(typo.text).toContain(`您是否要找：${A}`);
  });

  it("an archived campaign's page keeps working; it takes no new publications, but 撤回 still works", async () => {
    await setState(code.b1!, 'closed');
    await setState(code.b2!, 'closed');
    expect((await ask(h, P.staff, `/议题 归档 ${B}`)).text).toContain(`已归档议题「${B}」`);
    const b = await html(slug[B]!);
    expect(b).toContain('代表建议 · 2027年度 · 已归档');
    expect(section(await html('/public'), 'campaigns')).toContain('已归档');
    const refused = await ask(h, P.staff, `/公开 全部已销号 议题:${B}`);
    expect(refused.text).toContain(`议题「${B}」已归档`);
    const withdrawn = await ask(h, P.staff, `/公开 撤回 ${code.b2}`);
    expect(withdrawn.text).toContain(`已从公开页面撤回：${code.b2}`);
    expect(listed(await html(slug[B]!))).not.toContain(code.b2);
  });
});

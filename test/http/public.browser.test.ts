import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluations, problems, units } from '../../db/schema/index.js';
import { campaignSlug } from '../../src/domain/campaign.js';
import { type PoolRow, tallyPool } from '../../src/domain/tally.js';
import { defaultCampaign } from '../../src/services/campaigns/read.js';
import { ask, codeIn, P, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * GET /public and a campaign's page (/public/<slug>) in a real browser: Debian's Chromium driven by playwright-core (which never downloads
 * a browser), with JavaScript switched off, since the page must work without it. Screenshots go to
 * test/artifacts/ (gitignored): public.png at phone width (390×844), public-desktop.png.
 *
 * Outside CI a machine without /usr/bin/chromium skips this file; in CI (CI set) it fails.
 */

const CHROMIUM = '/usr/bin/chromium';
const HOW = 'apt-get install chromium fonts-noto-cjk';
const present = existsSync(CHROMIUM);
const inCi = !!process.env.CI;
if (!present && !inCi)
  console.warn(`public.browser.test.ts skipped: ${CHROMIUM} not found. To run it: ${HOW}`);

const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const PEOPLE = ['张伟', '赵磊', '刘芳', '陈静', '王敏', '李强', '路人甲', '管理员甲'];
const now = new Date('2026-11-26T06:05:00Z');

describe.skipIf(!present && !inCi)('GET /public in Chromium', () => {
  let h: Harness;
  let ctx: BrowserContext;
  let profile: string;
  const code: Record<string, string> = {};
  /** The default campaign's page, where this file's problems are. */
  let base = '';

  beforeAll(async () => {
    if (!present) throw new Error(`${CHROMIUM} is missing in CI: ${HOW} (.ci/run installs it)`);
    h = await startHarness({ clock: () => now });
    await setupCampaign(h);
    const assign = async (k: string, args: string) => {
      code[k] = codeIn((await ask(h, P.staff, `/交办 ${args}`)).text);
      expect(code[k], args).toMatch(/^DB-2026-\d{3}$/);
    };
    await assign(
      'a',
      '企业开办材料需在多个窗口重复提交 单位:市人社局 期限:2026-12-31 类别:政务服务环境 描述:张伟所在企业反映',
    );
    await assign('b', '社保补贴申领流程繁琐、到账慢 单位:市人社局 期限:2026-12-31 类别:政策兑现');
    await assign('c', '学校周边道路施工影响企业运输 单位:市教育局 期限:2026-12-15 类别:要素保障');
    await assign('d', '内部研究中的事项 单位:市民政局 期限:2026-12-31 类别:作风建设');
    await h.database.db
      .update(problems)
      .set({ state: 'closed', closedAt: now })
      .where(eq(problems.code, code.b!));
    await h.database.db
      .update(problems)
      .set({ state: 'in_progress', deadline: '2026-11-20' })
      .where(eq(problems.code, code.c!));
    expect((await ask(h, P.staff, `/公开 ${code.a},${code.b},${code.c}`)).text).toContain('公布 3 件');

    const [rs] = await h.database.db.select().from(units).where(eq(units.shortName, '市人社局'));
    const [jy] = await h.database.db.select().from(units).where(eq(units.name, '市教育局'));
    const pool: PoolRow[] = [];
    const vote = (unitId: number, choice: string, n: number) => {
      for (let i = 0; i < n; i++) pool.push({ category: '常委会委员', unitId, choice });
    };
    vote(rs!.id, 'satisfied', 9);
    vote(rs!.id, 'basic', 1);
    vote(jy!.id, 'satisfied', 6);
    vote(jy!.id, 'basic', 2);
    vote(jy!.id, 'dissatisfied', 2);
    await h.database.db.insert(evaluations).values({
      name: '满意度测评（2026年11月20日）',
      status: 'published',
      unitIds: [rs!.id, jy!.id],
      closedAt: now,
      publishedAt: now,
      results: tallyPool(
        [
          { id: rs!.id, name: rs!.name },
          { id: jy!.id, name: jy!.name },
        ],
        pool,
      ),
    });

    base = `/public/${campaignSlug(await defaultCampaign(h.database.db))}`;
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'duban-chromium-'));
    // A fresh profile; no background traffic (this machine's network is closed to it).
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await h?.stop();
  });

  const items = (p: Page) => p.locator('ol.problems li');

  it('lists the campaign at /public and opens its page by the link', async () => {
    const page = await ctx.newPage();
    await page.goto(`${h.url}/public`);
    await expect.poll(() => page.title()).toBe('问题整改公开');
    await Promise.all([
      page.waitForURL(/\/public\/\d{4}-\d+$/),
      page.getByRole('link', { name: '默认议题' }).click(),
    ]);
    expect(await items(page).count()).toBe(3);
    await page.close();
  });

  it('shows the figures and the published problems on a phone, and nothing personal', async () => {
    const page = await ctx.newPage();
    await page.goto(`${h.url}${base}`);
    await expect.poll(() => page.title()).toBe('默认议题 · 问题整改公开');
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees (Playwright, not DOM)
    const text = await page.locator('body').innerText();
    expect(text).toContain('最近更新：2026年11月26日 14:05');
    expect(await page.locator('.stat').allInnerTexts()).toEqual([
      '4\n问题总数',
      '1\n已销号',
      '25.0%\n办结率',
      '3\n未销号',
      '1\n逾期',
    ]);
    expect(await items(page).count()).toBe(3);
    expect(text).toContain('企业开办材料需在多个窗口重复提交');
    expect(text).toContain('满意度测评结果');
    expect(text).not.toContain('内部研究中的事项');
    for (const name of PEOPLE) expect(text.includes(name) ? name : 'none').toBe('none');
    expect(text).not.toMatch(/ou_/);
    // Readable at 390 px: nothing wider than the screen (tables scroll inside their own box).
    const width = await page
      .locator('html')
      .evaluate((el) => (el as unknown as { scrollWidth: number }).scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'public.png'), fullPage: true });
    await page.close();
  });

  it('filters by unit with the plain form (no JavaScript)', async () => {
    const page = await ctx.newPage();
    await page.goto(`${h.url}${base}`);
    await page.locator('select[name=unit]').selectOption({ label: '市教育局' });
    await Promise.all([page.waitForURL(/unit=\d+/), page.getByRole('button', { name: '筛选' }).click()]);
    expect(await items(page).count()).toBe(1);
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as above
    const list = await page.locator('#problems').innerText();
    expect(list).toContain('学校周边道路施工影响企业运输');
    expect(list).toContain('逾期');
    expect(list).not.toContain('企业开办材料需在多个窗口重复提交');
    expect(await page.locator('select[name=unit]').inputValue()).not.toBe('');
    await page.getByRole('link', { name: '清除条件' }).click();
    await page.waitForURL((u) => u.search === '');
    expect(await items(page).count()).toBe(3);
    await page.close();
  });

  it('reads well on a desktop', async () => {
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${h.url}${base}`);
    expect(await items(page).count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, 'public-desktop.png'), fullPage: true });
    await page.close();
  });
});

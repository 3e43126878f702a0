import { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { CAMPAIGN_STATE_LABEL, campaignSlug } from '../domain/campaign.js';
import { formatDateCn, formatInstantCn } from '../domain/dates.js';
import { STATE_LABEL } from '../domain/problem.js';
import { percent } from '../domain/ranking.js';
import { defaultCampaign } from '../services/campaigns/read.js';
import {
  type PublicCampaign,
  publicCampaignBySlug,
  publicCampaigns,
} from '../services/disclosure/campaigns.js';
import {
  type CampaignFigures,
  PUBLIC_STATE_FILTERS,
  PUBLIC_STATE_LABEL,
  type PublicFilter,
  type PublicList,
  publicPage,
} from '../services/disclosure.js';
import { Select, Table } from './html.js';
import { CampaignList, NoSuchCampaign } from './public-campaigns.js';
import { FOOTER_NOTE, PAGE_HEADERS, Page, Stat } from './public-layout.js';
import { Reinspection, Votes } from './public-votes.js';

/**
 * GET /public/<slug>: one campaign's public disclosure page (docs/domain.md §4, README.md); GET
 * /public lists the campaigns (public-campaigns.tsx). Server-rendered, no script: the filters are a
 * plain GET form (?unit=&category=&state=&q=&page=). It shows the campaign's aggregate figures, the
 * problems staff published (public title only), its published vote results and 回头看 — never a
 * person, an open_id, a description or an anonymous sender's words (services/disclosure.ts).
 */

/** Bad values are dropped, not refused: a stale or hand-edited link still shows the page. */
const Query = z.object({
  unit: z.coerce.number().int().positive().optional().catch(undefined),
  category: z.string().trim().min(1).max(20).optional().catch(undefined),
  state: z.enum(PUBLIC_STATE_FILTERS).optional().catch(undefined),
  q: z
    .string()
    .optional()
    .catch(undefined)
    .transform((s) => s?.trim().slice(0, 50) || undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});

/** One row of figures: per unit or per category (问题 / 已销号 / 办结率 / 逾期). */
interface FiguresRow {
  key: string;
  name: Child;
  count: number;
  closed: number;
  rate: number | null;
  overdue: number;
}

const FiguresTable: FC<{ first: string; rows: FiguresRow[] }> = ({ first, rows }) => (
  <Table head={[first, '问题', '已销号', '办结率', '逾期']}>
    {rows.map((r) => (
      <tr>
        <td>{r.name}</td>
        <td>{r.count}</td>
        <td>{r.closed}</td>
        <td>{percent(r.rate)}</td>
        <td>{r.overdue}</td>
      </tr>
    ))}
  </Table>
);

const Figures: FC<{ f: CampaignFigures }> = ({ f }) => (
  <section id="figures">
    <h2>总体情况</h2>
    <div class="stats">
      <Stat label="问题总数" value={f.totals.count} />
      <Stat label="已销号" value={f.totals.closed} />
      <Stat label="办结率" value={percent(f.totals.rate)} />
      <Stat label="未销号" value={f.totals.open} />
      <Stat label="逾期" value={f.totals.overdue} />
    </div>
    <p class="note">
      统计全部督办问题（含未公开的问题），截至 {formatDateCn(f.today)}
      。办结率＝已销号÷问题总数；已撤销的问题不计入。逾期：未销号且已过整改期限。
    </p>
    <h3 id="units">各承办单位</h3>
    {f.units.length ? (
      <div class="scroll">
        <FiguresTable
          first="单位"
          rows={f.units.map((u) => ({
            ...u,
            key: u.name,
            name: (
              <span title={u.fullName}>
                {u.name}
                {u.evaluated ? <span class="star"> ★</span> : null}
              </span>
            ),
          }))}
        />
      </div>
    ) : (
      <p class="note">暂无数据。</p>
    )}
    {f.units.some((u) => u.evaluated) ? (
      <p class="note">★ 评议对象（常委会专项工作评议的单位）。按牵头问题数排列。</p>
    ) : null}
    {f.byCategory.length ? (
      <details>
        <summary>按问题类别</summary>
        <div class="scroll">
          <FiguresTable first="类别" rows={f.byCategory.map((c) => ({ key: c.name, ...c }))} />
        </div>
      </details>
    ) : null}
  </section>
);

function link(base: string, f: PublicFilter, page: number): string {
  const p = new URLSearchParams();
  if (f.unitId !== undefined) p.set('unit', String(f.unitId));
  if (f.category) p.set('category', f.category);
  if (f.state) p.set('state', f.state);
  if (f.q) p.set('q', f.q);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `${base}?${s}#problems` : `${base}#problems`;
}

const Problems: FC<{ base: string; list: PublicList; f: PublicFilter }> = ({ base, list, f }) => {
  const filtered = f.unitId !== undefined || !!f.category || !!f.state || !!f.q;
  return (
    <section id="problems">
      <h2>公开问题清单</h2>
      <form class="filters" method="get" action={`${base}#problems`}>
        <Select
          label="承办单位"
          name="unit"
          all="全部单位"
          choices={list.unitOptions.map((u) => ({
            value: String(u.id),
            label: u.name,
            selected: u.id === f.unitId,
          }))}
        />
        <Select
          label="类别"
          name="category"
          all="全部类别"
          choices={list.categoryOptions.map((c) => ({ value: c, label: c, selected: c === f.category }))}
        />
        <Select
          label="状态"
          name="state"
          all="全部状态"
          choices={PUBLIC_STATE_FILTERS.map((s) => ({
            value: s,
            label: PUBLIC_STATE_LABEL[s],
            selected: s === f.state,
          }))}
        />
        <label>
          搜索
          <input type="search" name="q" value={f.q ?? ''} maxlength={50} placeholder="编号、标题或单位" />
        </label>
        <div class="actions">
          <button type="submit">筛选</button>
          {filtered ? <a href={`${base}#problems`}>清除条件</a> : null}
        </div>
      </form>
      <p class="note" id="count">
        {filtered
          ? `符合条件 ${list.total} 件（已公开 ${list.published} 件）`
          : `已公开 ${list.published} 件`}
      </p>
      {list.rows.length ? (
        <ol class="problems">
          {list.rows.map((p) => (
            <li>
              <div>
                <span class="code">{p.code}</span>
                <span class={`badge b-${p.state}`}>{STATE_LABEL[p.state]}</span>
                {p.overdue ? <span class="badge b-overdue">逾期</span> : null}
              </div>
              <div class="title">{p.title}</div>
              <div class="sub">
                {p.unit} · {p.category ?? '未分类'} ·{' '}
                <span class="nw">整改期限 {formatDateCn(p.deadline)}</span>
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <p>{list.published ? '没有符合条件的问题。' : '暂无公开的问题。'}</p>
      )}
      {list.pages > 1 ? (
        <nav class="pager" aria-label="分页">
          {list.page > 1 ? <a href={link(base, f, list.page - 1)}>‹ 上一页</a> : <span />}
          <span>
            第 {list.page} / {list.pages} 页
          </span>
          {list.page < list.pages ? <a href={link(base, f, list.page + 1)}>下一页 ›</a> : <span />}
        </nav>
      ) : null}
    </section>
  );
};

/** The filter a query asks for; bad values dropped. */
function filterOf(query: Record<string, string>): PublicFilter {
  const q = Query.parse(query);
  return {
    ...(q.unit !== undefined ? { unitId: q.unit } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(q.state ? { state: q.state } : {}),
    ...(q.q ? { q: q.q } : {}),
    page: q.page,
  };
}

/** One campaign's page: its figures, units, published problems, vote results and 回头看. */
async function campaignPage(deps: AppDeps, c: PublicCampaign, filter: PublicFilter) {
  const tz = deps.config.timezone;
  const base = `/public/${campaignSlug(c)}`;
  const v = await publicPage(deps.db, { now: deps.clock(), timezone: tz, filter, campaignId: c.id });
  return (
    <Page title={`${c.name} · 问题整改公开`}>
      <p class="note">
        <a href="/public">‹ 全部议题</a>
      </p>
      <h1>{c.name}</h1>
      <p class="note" id="campaign">
        {c.kind} · {c.year}年度 · {CAMPAIGN_STATE_LABEL[c.state]}
      </p>
      <p class="note" id="updated">
        {v.updatedAt ? `最近更新：${formatInstantCn(v.updatedAt, tz)}` : '暂无公开数据'}
      </p>
      <nav>
        <a href="#figures">总体情况</a>
        <a href="#units">各单位</a>
        <a href="#problems">问题清单</a>
        {v.votes.length ? <a href="#votes">测评结果</a> : null}
        {v.reinspection.length ? <a href="#reinspection">回头看</a> : null}
      </nav>
      <Figures f={v.figures} />
      <Problems base={base} list={v.list} f={{ ...filter, page: v.list.page }} />
      {v.votes.length ? <Votes votes={v.votes} tz={tz} /> : null}
      {v.reinspection.length ? <Reinspection rounds={v.reinspection} /> : null}
      <footer>
        {FOOTER_NOTE}反映问题，请使用<a href="/feedback">匿名反馈</a>。
      </footer>
    </Page>
  );
}

/** The parameters of the page before campaigns: a link carrying any of them meant that page. */
const OLD_PARAMS = ['unit', 'category', 'state', 'q', 'page'];

/**
 * GET /public lists the campaigns with published content; GET /public/<slug> is one campaign's
 * page. A link from before campaigns (/public?unit=…&page=…) meant the one campaign there was,
 * which the migration made the default: it is redirected to the default campaign's page with the
 * same query (docs/decisions, "public page per campaign").
 */
export function publicRoute(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    const url = new URL(c.req.url);
    if (OLD_PARAMS.some((k) => url.searchParams.has(k))) {
      const d = await defaultCampaign(deps.db);
      return c.redirect(`/public/${campaignSlug(d)}${url.search}`, 302);
    }
    const page = <CampaignList campaigns={await publicCampaigns(deps.db)} />;
    return c.html(`<!doctype html>${await page}`, 200, PAGE_HEADERS);
  });
  app.get('/:slug', async (c) => {
    const found = await publicCampaignBySlug(deps.db, c.req.param('slug'));
    const page = found ? await campaignPage(deps, found, filterOf(c.req.query())) : <NoSuchCampaign />;
    return c.html(`<!doctype html>${await page}`, found ? 200 : 404, PAGE_HEADERS);
  });
  return app;
}

import { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { formatDateCn, formatInstantCn } from '../domain/dates.js';
import { STATE_LABEL } from '../domain/problem.js';
import { percent } from '../domain/ranking.js';
import {
  type CampaignFigures,
  PUBLIC_STATE_FILTERS,
  PUBLIC_STATE_LABEL,
  type PublicFilter,
  type PublicList,
  publicPage,
} from '../services/disclosure.js';
import { HtmlPage, Select, Table } from './html.js';
import { Reinspection, Votes } from './public-votes.js';

/**
 * GET /public: the public disclosure page (docs/domain.md §4, README.md). Server-rendered, no script:
 * the filters are a plain GET form (?unit=&category=&state=&q=&page=). It shows aggregate figures,
 * the problems staff published (public title only), published vote results and 回头看 — never a
 * person, an open_id, a description or an anonymous sender's words (services/disclosure.ts).
 */

const TITLE = '优化营商环境 · 问题整改公开';

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

const CSS = `*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f7;color:#1f2329;line-height:1.6;font-size:16px}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.4rem 0}h2{font-size:1.15rem;margin:0 0 .6rem}h3{font-size:1rem;margin:.8rem 0 .4rem}
section{background:#fff;border-radius:8px;padding:1rem;margin:1rem 0}
.note{color:#646a73;font-size:.875rem;margin:.3rem 0}
nav{display:flex;flex-wrap:wrap;gap:.4rem 1rem;font-size:.95rem}
a{color:#245bdb}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(5.5rem,1fr));gap:.6rem;margin:.4rem 0}
.stat{background:#f5f6f7;border-radius:6px;padding:.6rem;text-align:center}
.stat b{display:block;font-size:1.4rem;line-height:1.3}.stat span{font-size:.85rem;color:#646a73}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:.45rem .4rem;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
th{color:#646a73;font-weight:600;background:#fafbfc}
td small{display:block;color:#646a73;font-size:.78rem}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem;align-items:end;margin:.4rem 0 .8rem}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:#646a73;gap:.2rem}
select,input[type=search]{font-size:1rem;padding:.45rem;border:1px solid #c9cdd4;border-radius:6px;background:#fff;width:100%;color:#1f2329}
.actions{display:flex;gap:.8rem;align-items:center}
button{font-size:1rem;padding:.5rem 1.4rem;background:#3370ff;color:#fff;border:0;border-radius:6px}
ol.problems{list-style:none;margin:0;padding:0}
ol.problems li{border-top:1px solid #eef0f2;padding:.7rem 0}
.title{font-weight:600;margin:.15rem 0}
.sub{color:#646a73;font-size:.875rem}.nw{white-space:nowrap}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;color:#646a73;margin-right:.4rem}
.badge{display:inline-block;font-size:.78rem;padding:0 .45rem;border-radius:4px;margin-right:.3rem;background:#e1eaff;color:#245bdb}
.b-closed{background:#d9f5d6;color:#237b19}.b-overdue{background:#fdddef;color:#c71b36}.b-assigned{background:#f2f3f5;color:#4e5969}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:.8rem;font-size:.95rem}
.star{color:#d46b08}
details summary{cursor:pointer;color:#245bdb;margin:.5rem 0}
footer{color:#646a73;font-size:.85rem;padding:0 .2rem 2rem}`;

const Page: FC<{ children?: Child }> = ({ children }) => (
  <HtmlPage title={TITLE} css={CSS}>
    <main>{children}</main>
  </HtmlPage>
);

const Stat: FC<{ label: string; value: string | number }> = ({ label, value }) => (
  <div class="stat">
    <b>{value}</b>
    <span>{label}</span>
  </div>
);

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

function link(f: PublicFilter, page: number): string {
  const p = new URLSearchParams();
  if (f.unitId !== undefined) p.set('unit', String(f.unitId));
  if (f.category) p.set('category', f.category);
  if (f.state) p.set('state', f.state);
  if (f.q) p.set('q', f.q);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `/public?${s}#problems` : '/public#problems';
}

const Problems: FC<{ list: PublicList; f: PublicFilter }> = ({ list, f }) => {
  const filtered = f.unitId !== undefined || !!f.category || !!f.state || !!f.q;
  return (
    <section id="problems">
      <h2>公开问题清单</h2>
      <form class="filters" method="get" action="/public#problems">
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
          {filtered ? <a href="/public#problems">清除条件</a> : null}
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
          {list.page > 1 ? <a href={link(f, list.page - 1)}>‹ 上一页</a> : <span />}
          <span>
            第 {list.page} / {list.pages} 页
          </span>
          {list.page < list.pages ? <a href={link(f, list.page + 1)}>下一页 ›</a> : <span />}
        </nav>
      ) : null}
    </section>
  );
};

export function publicRoute(deps: AppDeps) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = Query.parse(c.req.query());
    const filter: PublicFilter = {
      ...(q.unit !== undefined ? { unitId: q.unit } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.q ? { q: q.q } : {}),
      page: q.page,
    };
    const tz = deps.config.timezone;
    const v = await publicPage(deps.db, { now: deps.clock(), timezone: tz, filter });
    const page = (
      <Page>
        <h1>{TITLE}</h1>
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
        <Problems list={v.list} f={{ ...filter, page: v.list.page }} />
        {v.votes.length ? <Votes votes={v.votes} tz={tz} /> : null}
        {v.reinspection.length ? <Reinspection rounds={v.reinspection} /> : null}
        <footer>
          本页面只公布经工作人员审核的问题公开标题和汇总数据，不含任何个人信息。反映营商环境问题，请使用
          <a href="/feedback">匿名反馈</a>。
        </footer>
      </Page>
    );
    return c.html(`<!doctype html>${await page}`, 200, {
      'cache-control': 'no-cache',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}

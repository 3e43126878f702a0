import type { Child, FC } from 'hono/jsx';
import { HtmlPage } from './html.js';

/** The public pages' frame (GET /public, GET /public/<slug>): one stylesheet, no script. */

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
footer{color:#646a73;font-size:.85rem;padding:0 .2rem 2rem}
ul.campaigns{list-style:none;margin:0;padding:0}
ul.campaigns li{border-top:1px solid #eef0f2;padding:.8rem 0}
.b-archived{background:#f2f3f5;color:#4e5969}`;

export const Page: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <HtmlPage title={title} css={CSS}>
    <main>{children}</main>
  </HtmlPage>
);

export const Stat: FC<{ label: string; value: string | number }> = ({ label, value }) => (
  <div class="stat">
    <b>{value}</b>
    <span>{label}</span>
  </div>
);

/** The headers every public page carries: no script or outside resource, never cached stale. */
export const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
} as const;

export const FOOTER_NOTE = '本页面只公布经工作人员审核的问题公开标题和汇总数据，不含任何个人信息。';

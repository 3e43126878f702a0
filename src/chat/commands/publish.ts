import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { publishProblems } from '../../services/disclosure/publish.js';
import { publishAllClosed } from '../../services/disclosure/publish-all-closed.js';
import { unpublishProblems } from '../../services/disclosure/unpublish.js';
import { publishedCount } from '../../services/disclosure.js';
import type { CommandContext, CommandSpec } from '../context.js';
import { normalize, words } from '../parse.js';

const FORMS = [
  '/公开 <编号>[,<编号>…] [公开标题:<标题>]（公开标题只能逐个设置）',
  '/公开 撤回 <编号>[,<编号>…]',
  '/公开 全部已销号',
];

/** 公开标题 is free text (commas and colons included): it is taken from the arguments as typed. */
const TITLE_KEY = /(?:公开标题|public_?title)\s*[:：]\s*/i;

const is = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.toLowerCase());
const codesOf = (s: string) =>
  normalize(s)
    .split(/[,\s]+/)
    .filter(Boolean);

function pageUrl(ctx: CommandContext): string {
  const base = ctx.config.publicBaseUrl?.replace(/\/$/, '');
  return base ? `公开页面：${base}/public` : '公开页面：本服务的 /public';
}

export const publishCommand: CommandSpec = {
  names: ['公开', 'publish'],
  who: 'staff',
  usage: FORMS.join(' · '),
  summary:
    '决定公开页面列出哪些问题：公布、设置公开标题、撤回。线上匿名反馈转来的问题须先拟定公开标题（隐去可识别信息）。',
  example: '/公开 DB-2026-007 公开标题:某街道窗口营业执照办理材料重复提交',
  async run(ctx) {
    const [sub, ...rest] = words(ctx.args);
    if (!sub || is(sub, '列表', 'list')) {
      const n = await publishedCount(ctx.tx);
      return { text: [`公开页面现列出 ${n} 件问题。`, pageUrl(ctx), '格式：', ...FORMS].join('\n') };
    }
    const s = await serviceCtx(ctx);
    if (is(sub, '撤回', 'withdraw', 'unpublish')) {
      const r = await unpublishProblems(s, { codes: codesOf(rest.join(',')) });
      const lines: string[] = [];
      if (r.withdrawn.length) lines.push(`已从公开页面撤回：${r.withdrawn.join('、')}。`);
      if (r.notPublished.length) lines.push(`${r.notPublished.join('、')} 未在公开页面，无需撤回。`);
      return { text: lines.join('\n') };
    }
    if (is(sub, '全部已销号', 'closed')) {
      if (rest.length) throw invalid(`格式：${FORMS[2]}`);
      const r = await publishAllClosed(s);
      const lines = [
        r.published.length
          ? `已在公开页面公布已销号问题 ${r.published.length} 件：${r.published.join('、')}。`
          : '没有需要公布的已销号问题。',
      ];
      if (r.needTitle.length)
        lines.push(
          `以下问题来源于线上匿名反馈，须先拟定公开标题，未公布：${r.needTitle.join('、')}（/公开 <编号> 公开标题:<标题>）。`,
        );
      lines.push(pageUrl(ctx));
      return { text: lines.join('\n') };
    }
    const m = TITLE_KEY.exec(ctx.rawArgs);
    const codes = codesOf(m ? ctx.rawArgs.slice(0, m.index) : ctx.rawArgs);
    const title = m ? ctx.rawArgs.slice(m.index + m[0].length).trim() : undefined;
    const r = await publishProblems(s, { codes, publicTitle: title });
    const lines: string[] = [];
    if (r.published.length)
      lines.push(
        `已在公开页面公布 ${r.published.length} 件问题：`,
        ...r.published.map((p) => `${p.code}　${p.title}`),
      );
    for (const p of r.retitled) lines.push(`已更新 ${p.code} 的公开标题：${p.title}`);
    if (r.unchanged.length) lines.push(`${r.unchanged.join('、')} 已在公开页面，无变化。`);
    lines.push(pageUrl(ctx));
    return { text: lines.join('\n') };
  },
};

import { campaignSlug } from '../../domain/campaign.js';
import { invalid } from '../../domain/errors.js';
import { campaignFor } from '../../services/campaigns/read.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { publishProblems } from '../../services/disclosure/publish.js';
import { publishAllClosed } from '../../services/disclosure/publish-all-closed.js';
import { unpublishProblems } from '../../services/disclosure/unpublish.js';
import { publishedCount } from '../../services/disclosure.js';
import type { CommandContext, CommandSpec } from '../context.js';
import { campaignOption, normalize, words } from '../parse.js';

const FORMS = [
  '/公开 <编号>[,<编号>…] [公开标题:<标题>]（公开标题只能逐个设置）',
  '/公开 撤回 <编号>[,<编号>…]',
  '/公开 全部已销号',
  '以上均作用于您当前的议题，或加 议题:<名称>',
];

/** 公开标题 is free text (commas and colons included): it is taken from the arguments as typed. */
const TITLE_KEY = /(?:公开标题|public_?title)\s*[:：]\s*/i;
/** `议题:<名称>` in the raw text (before 公开标题, which takes the rest). */
const CAMPAIGN_WORD = /(?:^|\s)(?:议题|campaign)\s*[:：]\s*\S+/i;

const is = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.toLowerCase());
const codesOf = (s: string) =>
  normalize(s)
    .split(/[,\s]+/)
    .filter(Boolean);

/** The campaign's own page (GET /public/<slug>). */
function pageUrl(ctx: CommandContext, c: { id: number; year: number }): string {
  const path = `/public/${campaignSlug(c)}`;
  const base = ctx.config.publicBaseUrl?.replace(/\/$/, '');
  return base ? `公开页面：${base}${path}` : `公开页面：本服务的 ${path}`;
}

export const publishCommand: CommandSpec = {
  names: ['公开', 'publish'],
  who: 'staff',
  usage: FORMS.join(' · '),
  summary:
    '决定公开页面列出哪些问题：公布、设置公开标题、撤回；作用于您当前的议题，或加 议题:<名称>。线上匿名反馈转来的问题须先拟定公开标题（隐去可识别信息）。',
  example: '/公开 DB-2026-007 公开标题:某街道窗口营业执照办理材料重复提交',
  async run(ctx) {
    // 议题: is looked for before 公开标题, whose text may contain anything.
    const t = TITLE_KEY.exec(ctx.args);
    const { campaign: named, rest: args } = campaignOption(t ? ctx.args.slice(0, t.index) : ctx.args);
    const [sub, ...rest] = words(args);
    if (!sub || is(sub, '列表', 'list')) {
      const c = await campaignFor(ctx.tx, ctx.actor.openId, named);
      const n = await publishedCount(ctx.tx, c.id);
      return {
        text: [`议题「${c.name}」的公开页面现列出 ${n} 件问题。`, pageUrl(ctx, c), '格式：', ...FORMS].join(
          '\n',
        ),
      };
    }
    const s = await serviceCtx(ctx);
    if (is(sub, '撤回', 'withdraw', 'unpublish')) {
      const r = await unpublishProblems(s, { codes: codesOf(rest.join(',')), campaign: named });
      const lines = [`议题「${r.campaign.name}」：`];
      if (r.withdrawn.length) lines.push(`已从公开页面撤回：${r.withdrawn.join('、')}。`);
      if (r.notPublished.length) lines.push(`${r.notPublished.join('、')} 未在公开页面，无需撤回。`);
      return { text: lines.join('\n') };
    }
    if (is(sub, '全部已销号', 'closed')) {
      if (rest.length) throw invalid(`格式：${FORMS[2]}`);
      const r = await publishAllClosed(s, { campaign: named });
      const lines = [
        r.published.length
          ? `议题「${r.campaign.name}」：已在公开页面公布已销号问题 ${r.published.length} 件：${r.published.join('、')}。`
          : `议题「${r.campaign.name}」没有需要公布的已销号问题。`,
      ];
      if (r.needTitle.length)
        lines.push(
          `以下问题来源于线上匿名反馈，须先拟定公开标题，未公布：${r.needTitle.join('、')}（/公开 <编号> 公开标题:<标题>）。`,
        );
      lines.push(pageUrl(ctx, r.campaign));
      return { text: lines.join('\n') };
    }
    const m = TITLE_KEY.exec(ctx.rawArgs);
    const head = m ? ctx.rawArgs.slice(0, m.index) : ctx.rawArgs;
    const codes = codesOf(head.replace(CAMPAIGN_WORD, ' '));
    const title = m ? ctx.rawArgs.slice(m.index + m[0].length).trim() : undefined;
    const r = await publishProblems(s, { codes, publicTitle: title, campaign: named });
    const lines: string[] = [`议题「${r.campaign.name}」：`];
    if (r.published.length)
      lines.push(
        `已在公开页面公布 ${r.published.length} 件问题：`,
        ...r.published.map((p) => `${p.code}　${p.title}`),
      );
    for (const p of r.retitled) lines.push(`已更新 ${p.code} 的公开标题：${p.title}`);
    if (r.unchanged.length) lines.push(`${r.unchanged.join('、')} 已在公开页面，无变化。`);
    lines.push(pageUrl(ctx, r.campaign));
    return { text: lines.join('\n') };
  },
};

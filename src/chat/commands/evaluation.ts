import { resultsCard } from '../../../cards/evaluation.js';
import { formatInstantCn } from '../../domain/dates.js';
import { forbidden, invalid } from '../../domain/errors.js';
import { closeRate, percent } from '../../domain/ranking.js';
import { VOTER_CATEGORIES } from '../../domain/tally.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { addVoters } from '../../services/evaluation/add-voters.js';
import { assignEvaluatedUnit } from '../../services/evaluation/assign-evaluated-unit.js';
import { assignRest } from '../../services/evaluation/assign-rest.js';
import { chooseTop } from '../../services/evaluation/choose-top.js';
import { closeVoteBy } from '../../services/evaluation/close-vote-by.js';
import { parseLocalDateTime } from '../../services/evaluation/common.js';
import { issueCodes } from '../../services/evaluation/issue-codes.js';
import { openVote } from '../../services/evaluation/open-vote.js';
import { publishResults } from '../../services/evaluation/publish-results.js';
import { removeVoter } from '../../services/evaluation/remove-voter.js';
import { type Resent, resendBallot } from '../../services/evaluation/resend-ballot.js';
import { resultsFor } from '../../services/evaluation/results.js';
import { categoryOf, listRoll } from '../../services/evaluation/roll.js';
import { setEvaluated } from '../../services/evaluation/set-evaluated.js';
import { currentTurnout } from '../../services/evaluation/turnout.js';
import { listEvaluated } from '../../services/evaluation/units.js';
import { resolvePerson } from '../../services/people/person-ref.js';
import { isStaff } from '../../services/people/read.js';
import type { CommandContext, CommandReply, CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';

const is = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.toLowerCase());
const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

// ---------------------------------------------------------------- /评议对象

const UNITS_FORMS = [
  '/评议对象 设置 <单位>,<单位>…',
  '/评议对象 前N [含并列]（按 /排名 的前 N 名，如 /评议对象 前6）',
  '/评议对象 分组 <单位> <督导组>',
  '/评议对象 其余 <督导组>（其余未分组的单位统一交由该组）',
  '/评议对象 列表',
  '（以上均可加 议题:<名称>，默认为您当前的议题）',
];

const scope = (name: string) => `议题：${name}`;

async function listUnits(ctx: CommandContext, campaign?: string): Promise<CommandReply> {
  const l = await listEvaluated(await serviceCtx(ctx), campaign);
  if (!l.units.length)
    return { text: `${scope(l.campaign.name)}\n尚未设置评议对象。\n${UNITS_FORMS.join('\n')}` };
  const lines = [scope(l.campaign.name), `评议对象共 ${l.units.length} 个：`];
  l.units.forEach((u, i) => {
    lines.push(
      `${i + 1}. ★${u.unit.name}　牵头问题 ${u.led} 件${u.rank ? `（排名第 ${u.rank}）` : ''}　督导组：${u.group ?? '未分配'}`,
    );
  });
  if (l.ungrouped.length)
    lines.push(
      `未分组的其他单位 ${l.ungrouped.length} 个：${l.ungrouped.join('、')}（可用 /评议对象 其余 <督导组> 统一分配）`,
    );
  return { text: lines.join('\n') };
}

export const evaluatedUnitsCommand: CommandSpec = {
  names: ['评议对象', 'evaluated'],
  who: 'staff',
  usage: '/评议对象 设置|前N|分组|其余|列表 …',
  summary: '按问题数排名确定评议对象，并为其分配督导组；其余单位统一交由一个督导组。',
  example: '/评议对象 前6',
  async run(ctx) {
    const { campaign, rest: args } = campaignOption(ctx.args);
    const [sub, ...rest] = words(args);
    if (!sub || is(sub, '列表', 'list')) return listUnits(ctx, campaign);
    const s = await serviceCtx(ctx);
    if (is(sub, '设置', 'set')) {
      if (!rest.length) throw invalid(`格式：${UNITS_FORMS[0]}`);
      const r = await setEvaluated(s, { names: list(rest.join(',')), campaign });
      return {
        text: `${scope(r.campaign.name)}\n已设置评议对象 ${r.chosen.length} 个：${r.chosen.map((u) => u.name).join('、')}。可用 /评议对象 分组 <单位> <督导组> 分配督导组。`,
      };
    }
    const top =
      /^(?:前|top)\s*(\d+)$/i.exec(sub) ?? (is(sub, '前', 'top') ? /^(\d+)$/.exec(rest.shift() ?? '') : null);
    if (top) {
      const withTies = rest.some((w) => is(w, '含并列', 'ties'));
      const r = await chooseTop(s, { n: Number(top[1]), includeTies: withTies, campaign });
      const line = (x: (typeof r.ranked)[number]) =>
        `第 ${x.rank} 名 ${x.item.name}（牵头 ${x.item.led} 件，办结率 ${percent(closeRate(x.item.closed, x.item.led))}，逾期 ${x.item.overdue} 件）`;
      if (r.kind === 'tie') {
        return {
          text: [
            scope(r.campaign.name),
            `前 ${r.n} 名的边界有并列，未作设置：`,
            ...r.clear.map((x) => `　${line(x)}`),
            `并列第 ${r.tied[0]!.rank} 名（共 ${r.tied.length} 个，只余 ${r.n - r.clear.length} 个名额）：`,
            ...r.tied.map((x) => `　${line(x)}`),
            `请选择：发送 /评议对象 前${r.n} 含并列（共 ${r.clear.length + r.tied.length} 个），或用 /评议对象 设置 <单位>,<单位>… 指定。`,
          ].join('\n'),
        };
      }
      return {
        text: [
          scope(r.campaign.name),
          `已按排名设置评议对象 ${r.chosen.length} 个：`,
          ...r.ranked.filter((x) => r.chosen.some((c) => c.id === x.item.unitId)).map((x) => `　★${line(x)}`),
          ...(r.tieIncluded.length ? [`（第 ${r.tieIncluded[0]!.rank} 名并列，已全部纳入。）`] : []),
          ...(r.short ? ['（有问题的单位不足所需名次，已全部纳入。）'] : []),
          '可用 /评议对象 分组 <单位> <督导组> 分配督导组。',
        ].join('\n'),
      };
    }
    if (is(sub, '分组', 'group')) {
      const [unit, group, ...extra] = rest;
      if (!unit || !group || extra.length) throw invalid(`格式：${UNITS_FORMS[2]}`);
      const r = await assignEvaluatedUnit(s, { unit, group, campaign });
      const moved = r.moved[0];
      const what = moved
        ? moved.from
          ? `由${moved.from}改由${r.group.name}负责`
          : `由${r.group.name}负责`
        : `已由${r.group.name}负责，无变化`;
      return {
        text: `${scope(r.campaign.name)}\n${moved?.unit.name ?? r.unchanged[0]?.name}：${what}${r.problemsMoved ? `，其未办结的 ${r.problemsMoved} 件问题改由${r.group.name}审核` : ''}。${r.evaluated ? '' : '（注意：该单位不是评议对象。）'}`,
      };
    }
    if (is(sub, '其余', 'rest')) {
      const [group, ...extra] = rest;
      if (!group || extra.length) throw invalid(`格式：${UNITS_FORMS[3]}`);
      const r = await assignRest(s, { group, campaign });
      if (!r) return { text: '没有需要分配的单位：其余单位均已有督导组。' };
      return {
        text: `${scope(r.campaign.name)}\n已将其余 ${r.moved.length} 个单位交由${r.group.name}负责：${r.moved.map((m) => m.unit.name).join('、')}。${r.problemsMoved ? `其未办结的 ${r.problemsMoved} 件问题改由${r.group.name}审核。` : ''}`,
      };
    }
    throw invalid(`未知的子命令「${sub}」。格式：\n${UNITS_FORMS.join('\n')}`);
  },
};

// ---------------------------------------------------------------- /测评

const POLL_FORMS = [
  `/测评 名单 添加 <类别> <人>[,<人>…]（类别：${VOTER_CATEGORIES.join('、')}；人员可用 @、邮箱或手机号）`,
  '/测评 名单 移除 <人> · /测评 名单',
  '/测评 开始 [截止:YYYY-MM-DD HH:mm]',
  '/测评 投票码 <类别> <数量>（场外投票人用，打印后分发）',
  '/测评 进度 · /测评 结束 · /测评 结果 · /测评 公布',
  '（开始、投票码、进度、结束、结果、公布均可加 议题:<名称>，默认为您当前的议题；投票人名单各议题共用）',
];

async function roll(ctx: CommandContext, rest: string[]): Promise<CommandReply> {
  const [verb, ...args] = rest;
  if (!verb) {
    const l = await listRoll(ctx.tx);
    if (!l.total) return { text: `投票人名单为空。${POLL_FORMS[0]}` };
    return {
      text: [
        `投票人名单共 ${l.total} 人：`,
        ...l.byCategory.map((c) => `${c.category}（${c.names.length} 人）：${c.names.join('、') || '无'}`),
        '场外人员（不在本租户）请使用投票码：/测评 投票码 <类别> <数量>',
      ].join('\n'),
    };
  }
  const s = await serviceCtx(ctx);
  if (is(verb, '添加', 'add')) {
    const [cat, ...who] = args;
    if (!cat || !who.length) throw invalid(`格式：${POLL_FORMS[0]}`);
    const category = categoryOf(cat);
    const people = [];
    for (const token of list(who.join(' ')))
      people.push(await resolvePerson(ctx.tx, ctx.directory, ctx.msg.mentions, token, ctx.now));
    const r = await addVoters(s, { category, people });
    const lines: string[] = [];
    if (r.added.length) lines.push(`已将 ${r.added.join('、')} 加入投票人名单（${category}）。`);
    for (const m of r.moved) lines.push(`${m.name}的类别已由${m.from}改为${category}。`);
    if (r.already.length) lines.push(`${r.already.join('、')} 已在名单中（${category}）。`);
    if (r.ballotsSent) lines.push(`测评正在进行，已向新加入的 ${r.ballotsSent} 人发送选票。`);
    return { text: lines.join('\n') };
  }
  if (is(verb, '移除', 'remove')) {
    if (!args.length) throw invalid(`格式：${POLL_FORMS[1]}`);
    const person = await resolvePerson(ctx.tx, ctx.directory, ctx.msg.mentions, args.join(' '), ctx.now);
    const category = await removeVoter(s, { person });
    return { text: `已将${person.name}移出投票人名单（${category}）。` };
  }
  throw invalid(`格式：\n${POLL_FORMS.slice(0, 2).join('\n')}`);
}

async function progress(ctx: CommandContext, campaign?: string): Promise<CommandReply> {
  const t = await currentTurnout(await serviceCtx(ctx), campaign);
  const e = t.evaluation;
  const late = e.closesAt && ctx.now.getTime() >= e.closesAt.getTime();
  return {
    text: [
      scope(t.campaign.name),
      `「${e.name}」投票进度（只统计投票人数，结束前不显示任何票数）：`,
      `名单内投票：${t.voted}/${t.roll} 人`,
      ...t.byCategory.map(
        (c) =>
          `　${c.category}：已投 ${c.voted}/${c.roll} 人${c.codesIssued ? `；投票码已用 ${c.codesUsed}/${c.codesIssued} 个` : ''}`,
      ),
      `投票码：已用 ${t.codesUsed}/${t.codesIssued} 个`,
      `合计已投票：${t.voted + t.codesUsed} 人`,
      e.closesAt
        ? late
          ? `已过截止时间（${formatInstantCn(e.closesAt, ctx.config.timezone)}），不再接受投票，将自动结束；也可发送 /测评 结束 立即结束。`
          : `截止时间：${formatInstantCn(e.closesAt, ctx.config.timezone)}（到时自动结束）`
        : '未设截止时间：发送 /测评 结束 结束投票。',
    ].join('\n'),
  };
}

export const pollCommand: CommandSpec = {
  names: ['测评', 'poll'],
  who: 'staff_or_supervisor',
  usage: '/测评 名单|开始|投票码|进度|结束|结果|公布 …',
  summary: '满意度测评：投票人名单、开始与结束投票、场外投票码、投票进度（只显示人数）、结果与公布。',
  example: '/测评 开始 截止:2026-12-20 17:00',
  async run(ctx) {
    const { campaign, rest: args } = campaignOption(ctx.args);
    const [sub, ...rest] = words(args);
    if (!sub) return { text: `格式：\n${POLL_FORMS.join('\n')}` };
    if (is(sub, '结果', 'results')) {
      const r = await resultsFor(await serviceCtx(ctx), campaign);
      return {
        card: resultsCard({
          evaluation: r.evaluation,
          result: r.result,
          timezone: ctx.config.timezone,
          campaignName: r.campaign.name,
        }),
      };
    }
    // Everything else manages the vote: staff only (a supervisor may read the results).
    if (!isStaff(ctx.actor.roles))
      throw forbidden('该操作仅限工作人员。督导组成员可发送 /测评 结果 查看已结束测评的结果。');
    const s = await serviceCtx(ctx);
    if (is(sub, '名单', 'roll')) return roll(ctx, rest);
    if (is(sub, '开始', 'start')) {
      const m = /(?:截止|until|deadline):\s*(.+)$/i.exec(rest.join(' '));
      if (rest.length && !m) throw invalid(`格式：${POLL_FORMS[2]}`);
      let closesAt: Date | undefined;
      if (m) {
        closesAt = parseLocalDateTime(m[1]!, ctx.config.timezone);
        if (!closesAt)
          throw invalid(`截止时间「${m[1]}」格式有误，请写作 YYYY-MM-DD HH:mm，如 截止:2026-12-20 17:00`);
      }
      const r = await openVote(s, { closesAt, campaign });
      return {
        text: [
          scope(r.campaign.name),
          `已开始「${r.evaluation.name}」，评议对象 ${r.units.length} 个：${r.units.join('、')}。`,
          r.ballots
            ? `已向名单内 ${r.ballots} 名投票人发送选票。`
            : '投票人名单为空：请用 /测评 名单 添加 <类别> <人> 添加（加入后即收到选票）。',
          closesAt
            ? `截止时间：${formatInstantCn(closesAt, ctx.config.timezone)}，到时自动结束。`
            : '未设截止时间：发送 /测评 结束 结束投票。',
          '场外投票人请用 /测评 投票码 <类别> <数量> 领取投票码。投票期间只显示投票人数（/测评 进度），不显示票数。',
        ].join('\n'),
      };
    }
    if (is(sub, '投票码', 'codes')) {
      const [cat, count, ...extra] = rest;
      if (!cat || !count || extra.length || !/^\d+$/.test(count)) throw invalid(`格式：${POLL_FORMS[3]}`);
      const category = categoryOf(cat);
      const r = await issueCodes(s, { category, count: Number(count), campaign });
      const base = ctx.config.publicBaseUrl?.replace(/\/$/, '');
      const text = [
        scope(r.campaignName),
        `「${r.evaluationName}」投票码（${category}，${r.codes.length} 个，每码限用一次）：`,
        ...r.codes,
        `投票地址：${base ? `${base}/ballot` : '本服务的 /ballot 页面'}`,
        '请打印后分发，本消息不会保存：系统只保存投票码的摘要，无法再次查询原码。',
      ].join('\n');
      // The plain codes live only in this message: its outbox row is deleted once sent.
      ctx.send({
        msgType: 'text',
        content: { text },
        purpose: 'voting_codes',
        eraseReceiver: true,
        replyTo: { messageId: ctx.msg.messageId, chatId: ctx.msg.chatId },
      });
      return { none: true };
    }
    if (is(sub, '进度', 'progress')) return progress(ctx, campaign);
    if (is(sub, '结束', 'close')) {
      const r = await closeVoteBy(s, campaign);
      return {
        text: `${scope(r.campaign.name)}\n已结束「${r.evaluation.name}」，共 ${r.result.voters} 人投票。结果已发送给工作人员和督导组成员；发送 /测评 公布 在公开页面公布。`,
      };
    }
    if (is(sub, '公布', 'publish')) {
      const r = await publishResults(s, campaign);
      return { text: `${scope(r.campaign.name)}\n已公布「${r.evaluation.name}」的结果，公开页面可见。` };
    }
    throw invalid(`未知的子命令「${sub}」。格式：\n${POLL_FORMS.join('\n')}`);
  },
};

function resentText(r: Resent): string {
  if (r.kind === 'no_vote') return '目前没有进行中的满意度测评。';
  if (r.kind === 'not_on_roll') return '您不在本次测评的投票人名单中。如有疑问，请联系工作人员。';
  if (r.kind === 'voted') return `您已完成「${r.evaluationName}」的投票，感谢参与。`;
  return `已重新发送「${r.evaluationName}」的选票，请查收。`;
}

/** /投票: a voter asks for their ballot card again (Lark cards can be clicked for 14 days only). */
export const voteCommand: CommandSpec = {
  names: ['投票', 'vote'],
  who: 'anyone',
  usage: '/投票',
  summary: '满意度测评投票人：重新获取选票。',
  async run(ctx) {
    return {
      text: resentText(
        await resendBallot(ctx.tx, { openId: ctx.actor.openId, timezone: ctx.config.timezone }),
      ),
    };
  },
};

import { invalid } from '../../domain/errors.js';
import { namedOrCurrent } from '../../services/campaigns/writable.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { reinspectionProgress } from '../../services/evaluation/reinspection-progress.js';
import { startReinspection } from '../../services/evaluation/start-reinspection.js';
import { unitIdsFollowedBy } from '../../services/groups/read.js';
import { isStaff } from '../../services/people/read.js';
import type { CommandSpec } from '../context.js';
import { campaignOption, words } from '../parse.js';

const is = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.toLowerCase());

export const reinspectCommand: CommandSpec = {
  names: ['回头看', 'reinspect'],
  who: 'staff_or_supervisor',
  usage: '/回头看 开始 [阈值:N] · /回头看 进度（均可加 议题:<名称>）',
  summary: '测评结束后，对获不满意票（默认 1 票起）单位的已销号问题开展回头看：维持销号或重新整改。',
  example: '/回头看 开始 阈值:1',
  async run(ctx) {
    const { campaign, rest: args } = campaignOption(ctx.args);
    const [sub, ...rest] = words(args);
    if (is(sub, '开始', 'start')) {
      const m = /^(?:阈值|threshold):\s*(\d+)$/i.exec(rest.join(''));
      if (rest.length && !m)
        throw invalid('格式：/回头看 开始 [阈值:N]（不满意票数达到 N 的单位开展回头看，默认 1）');
      const r = await startReinspection(await serviceCtx(ctx), {
        threshold: m ? Number(m[1]) : 1,
        campaign,
      });
      if (!r.units.length)
        return {
          text: `议题：${r.campaign.name}\n「${r.evaluation.name}」中没有单位的不满意票达到 ${r.threshold} 票，无需开展回头看。`,
        };
      return {
        text: [
          `议题：${r.campaign.name}`,
          `已对「${r.evaluation.name}」中不满意票达到 ${r.threshold} 票的 ${r.units.length} 个单位开展回头看：`,
          ...r.units.map(
            (u) =>
              `　${u.unit}（不满意 ${u.dissatisfied} 票）：已销号问题 ${u.items} 件${u.added < u.items ? `（新增 ${u.added} 件）` : ''}，${u.items ? (u.group ? `由${u.group}核查` : '未分配督导组，由工作人员核查') : '无需核查'}`,
          ),
          '核查卡片已发送。发送 /回头看 进度 查看进度。',
        ].join('\n'),
      };
    }
    if (!sub || is(sub, '进度', 'progress')) {
      const c = await namedOrCurrent(ctx.tx, ctx.actor.openId, campaign);
      // A supervisor sees the units their groups follow in that campaign.
      const unitIds = isStaff(ctx.actor.roles)
        ? undefined
        : await unitIdsFollowedBy(ctx.tx, ctx.actor.openId, c.id);
      const rows = await reinspectionProgress(ctx.tx, unitIds, c.id);
      if (!rows.length)
        return {
          text: `议题「${c.name}」尚未开展回头看。测评结束后，工作人员可发送 /回头看 开始 [阈值:N]。`,
        };
      return {
        text: [
          `议题：${c.name}`,
          '回头看进度（已核查/总数）：',
          ...rows.map(
            (r) =>
              `　${r.unit}：${r.total - r.pending}/${r.total}（维持销号 ${r.confirmed}，重新整改 ${r.reopened}，待核查 ${r.pending}）　${r.evaluationName}`,
          ),
        ].join('\n'),
      };
    }
    throw invalid('格式：/回头看 开始 [阈值:N] 或 /回头看 进度');
  },
};

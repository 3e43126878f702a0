import { showCard } from '../../../cards/show.js';
import { invalid } from '../../domain/errors.js';
import { serviceCtx } from '../../services/ctx-from.js';
import { showProblem } from '../../services/queries.js';
import type { CommandSpec } from '../context.js';
import { words } from '../parse.js';

export const showCommand: CommandSpec = {
  names: ['查看', 'show'],
  readOnly: true,
  who: 'anyone',
  usage: '/查看 <编号>',
  summary: '查看一个问题：办理记录、佐证材料和您可用的操作按钮。',
  example: '/查看 DB-2026-007',
  async run(ctx) {
    const [code, ...extra] = words(ctx.args);
    if (!code || extra.length) throw invalid('格式：/查看 <编号>，如 /查看 DB-2026-007');
    const { show, problemId } = await showProblem(await serviceCtx(ctx), code);
    // problemId + audience: this copy is patched (rebuilt for the asker) when the problem changes.
    return { card: showCard(show), problemId, audience: ctx.actor.openId };
  },
};

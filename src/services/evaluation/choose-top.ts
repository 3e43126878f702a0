import { z } from 'zod';
import { invalid } from '../../domain/errors.js';
import type { Ranked, UnitTally } from '../../domain/ranking.js';
import { mustStaff } from '../auth.js';
import type { CampaignRow } from '../campaigns/read.js';
import { writableCampaign } from '../campaigns/writable.js';
import type { ServiceCtx } from '../context.js';
import { allUnits, type UnitRow } from '../units/read.js';
import { setEvaluated } from './set-evaluated.js';
import { unitRanking } from './units.js';

export type TopChoice = { campaign: CampaignRow } & (
  | {
      kind: 'set';
      chosen: UnitRow[];
      ranked: Ranked<UnitTally>[];
      tieIncluded: Ranked<UnitTally>[];
      short: boolean;
    }
  | {
      kind: 'tie';
      n: number;
      clear: Ranked<UnitTally>[];
      tied: Ranked<UnitTally>[];
      ranked: Ranked<UnitTally>[];
    }
);

/**
 * 前N: the top N of the campaign's ranking. When units share the rank at the boundary, nothing is set unless
 * `includeTies`: staff decide (the committee voted them in, 票决), the bot only says so.
 */
export const ChooseTopInput = z.object({
  n: z.union([z.number(), z.nan()]),
  includeTies: z.boolean(),
  campaign: z.string().optional(),
});
export type ChooseTopInput = z.input<typeof ChooseTopInput>;

export async function chooseTop(ctx: ServiceCtx, input: ChooseTopInput): Promise<TopChoice> {
  mustStaff(ctx.actor, '设置评议对象');
  const { n, includeTies, campaign: named } = ChooseTopInput.parse(input);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw invalid('名次数须为 1 到 50 之间的整数，如 /评议对象 前6');
  const campaign = await writableCampaign(ctx.tx, ctx.actor.openId, named, '修改评议对象');
  const ranked = await unitRanking(ctx, campaign);
  if (!ranked.length)
    throw invalid(
      `议题「${campaign.name}」尚无任何问题，无法按排名确定评议对象。可用 /评议对象 设置 <单位>,<单位>… 直接指定。`,
    );
  const boundary = ranked[Math.min(n, ranked.length) - 1]!.rank;
  const clear = ranked.filter((r) => r.rank < boundary);
  const atBoundary = ranked.filter((r) => r.rank === boundary);
  const overflow = clear.length + atBoundary.length > n;
  if (overflow && !includeTies) return { campaign, kind: 'tie', n, clear, tied: atBoundary, ranked };
  const picked = [...clear, ...atBoundary];
  const all = await allUnits(ctx.tx);
  const { chosen } = await setEvaluated(ctx, {
    names: picked.map((r) => all.find((u) => u.id === r.item.unitId)!.name),
    campaign: campaign.name,
  });
  return {
    campaign,
    kind: 'set',
    chosen,
    ranked,
    tieIncluded: overflow ? atBoundary : [],
    short: ranked.length < n,
  };
}

import { z } from 'zod';
import { todayIn } from '../../domain/dates.js';
import {
  COMPONENTS,
  DEFAULT_WEIGHTS,
  type ScoringOptions,
  type Weights,
  weightsProblem,
} from '../../domain/scoring.js';
import type { CampaignRow } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';

const Stored = z.object(
  Object.fromEntries(COMPONENTS.map((k) => [k, z.number()])) as Record<keyof Weights, z.ZodNumber>,
);

/** A campaign's 考核 weights (/考核 权重), or the defaults when none were set or the stored ones no longer hold. */
export function weightsOf(c: Pick<CampaignRow, 'scoreWeights'>): { weights: Weights; custom: boolean } {
  const parsed = Stored.safeParse(c.scoreWeights);
  if (!parsed.success || weightsProblem(parsed.data)) return { weights: DEFAULT_WEIGHTS, custom: false };
  return { weights: parsed.data, custom: true };
}

/** Today, the 签收 window and the workday count of the calendar module, as scores take them. */
export function scoringOptions(ctx: Pick<ServiceCtx, 'now' | 'config' | 'calendar'>): ScoringOptions {
  return {
    today: todayIn(ctx.now, ctx.config.timezone),
    ackWithinWorkdays: ctx.config.ackWithinWorkdays,
    workdaysAfter: (a, b) => ctx.calendar.workdaysAfter(a, b),
  };
}

import { type ProblemForm, problemCard } from '../../../cards/problem.js';
import { capabilities } from '../../domain/capabilities.js';
import type { ProblemView, Relation } from '../../domain/problem-view.js';
import type { ServiceCtx } from '../context.js';
import { rolesOf } from '../people/read.js';
import { allUnits } from '../units/read.js';
import { type Deciders, decidersOf } from './deciders.js';
import { type ProblemRow, relationOf, type ViewClock } from './load.js';

/** The clock a problem's view is computed on (deadlines, workdays late). */
export const clockOf = (ctx: ServiceCtx): ViewClock => ({
  now: ctx.now,
  timezone: ctx.config.timezone,
  calendar: ctx.calendar,
});

/** The card about a problem as one person should see it (their buttons). */
export async function cardForPerson(
  ctx: ServiceCtx,
  view: ProblemView,
  row: ProblemRow,
  openId: string,
  o: { banner?: string; form?: ProblemForm; asCo?: boolean; deciders?: Deciders; relation?: Relation } = {},
) {
  const r =
    o.relation ??
    (await relationOf(ctx.tx, openId, await rolesOf(ctx.tx, openId, ctx.config.adminOpenIds), row, {
      deciders: o.deciders ?? (await decidersOf(ctx.tx, row, ctx.config.adminOpenIds)),
    }));
  const caps = capabilities(view, r);
  const unitNames = o.form === 'decideDispute' ? (await allUnits(ctx.tx)).map((u) => u.name) : undefined;
  return problemCard(view, {
    caps,
    timezone: ctx.config.timezone,
    banner: o.banner,
    form: o.form,
    asCo: o.asCo ?? (r.co && !r.lead),
    unitNames,
  });
}

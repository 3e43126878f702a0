import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { problems } from '../../../db/schema/index.js';
import { conflict, invalid } from '../../domain/errors.js';
import { TITLE_MAX } from '../../domain/problem.js';
import type { CampaignRow } from '../campaigns/read.js';
import type { ServiceCtx } from '../context.js';
import { DISCLOSURE_ACTIONS as ACTIONS } from '../disclosure.js';
import { parseInput } from '../input.js';
import {
  anonymousIds,
  auditDisclosure,
  authorizePublish,
  campaignField,
  disclosureCampaign,
  lockByCodes,
  mustBeInCampaign,
  mustHaveUpdated,
  type Row,
} from './common.js';

export const PublishInput = z.object({
  codes: z.array(z.string()),
  publicTitle: z.string().optional(),
  campaign: campaignField,
});
export type PublishInput = z.input<typeof PublishInput>;

export interface PublishOutcome {
  campaign: CampaignRow;
  published: { code: string; title: string }[];
  retitled: { code: string; title: string }[];
  unchanged: string[];
}

/** Why each problem cannot go public, if any: withdrawn, or anonymous without a public title. */
function refusals(rows: Row[], anon: Set<number>, title: string | undefined): string[] {
  const refused: string[] = [];
  for (const p of rows) {
    if (p.state === 'withdrawn') refused.push(`${p.code} 已撤销，不能公开。`);
    else if (anon.has(p.id) && !title && !p.publicTitle?.trim())
      refused.push(
        `${p.code} 来源于线上匿名反馈，须先拟定公开标题（隐去企业、个人等可识别信息）才能公开：/公开 ${p.code} 公开标题:<标题>`,
      );
  }
  return refused;
}

/**
 * Puts problems on the public page, all or none: a problem from 线上匿名 needs a public title first
 * (its own title and text are the sender's words); a withdrawn one is refused. With one code, a
 * public title may be given (or changed) at the same time.
 */
export async function publishProblems(ctx: ServiceCtx, input: PublishInput): Promise<PublishOutcome> {
  const { codes, publicTitle, campaign: named } = parseInput(PublishInput, input);
  authorizePublish(ctx);
  const title = publicTitle?.trim();
  if (publicTitle !== undefined && !title) throw invalid('公开标题不能为空。');
  if (title && [...title].length > TITLE_MAX) throw invalid(`公开标题不能超过 ${TITLE_MAX} 个字。`);
  const campaign = await disclosureCampaign(ctx, named, { publishing: true });
  const rows = await lockByCodes(ctx, codes);
  await mustBeInCampaign(ctx, rows, campaign);
  if (title && rows.length > 1) throw invalid('公开标题只能逐个设置：/公开 <编号> 公开标题:<标题>');
  const refused = refusals(rows, await anonymousIds(ctx, rows), title);
  if (refused.length) throw conflict(`未公开任何问题：\n${refused.join('\n')}`);
  const out: PublishOutcome = { campaign, published: [], retitled: [], unchanged: [] };
  for (const p of rows) {
    const newTitle = title ?? p.publicTitle?.trim() ?? null;
    const changedTitle = title !== undefined && title !== (p.publicTitle ?? '').trim();
    if (p.publishedAt && !changedTitle) {
      out.unchanged.push(p.code);
      continue;
    }
    const updated = await ctx.tx
      .update(problems)
      .set({ publishedAt: p.publishedAt ?? ctx.now, publicTitle: newTitle })
      .where(eq(problems.id, p.id))
      .returning({ id: problems.id });
    mustHaveUpdated(updated, p.code);
    const shown = newTitle || p.title;
    await auditDisclosure(
      ctx,
      ACTIONS.published,
      p,
      { publishedAt: p.publishedAt?.toISOString() ?? null, publicTitle: p.publicTitle },
      { publishedAt: (p.publishedAt ?? ctx.now).toISOString(), publicTitle: newTitle },
    );
    (p.publishedAt ? out.retitled : out.published).push({ code: p.code, title: shown });
  }
  return out;
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { campaigns } from '../../../db/schema/index.js';
import {
  BUSINESS_CATEGORIES,
  CAMPAIGN_KINDS,
  CAMPAIGN_NAME_MAX,
  CATEGORIES_MAX,
  CATEGORY_MAX,
  type CampaignKind,
} from '../../domain/campaign.js';
import { audit } from '../audit.js';
import { mustStaff } from '../auth.js';
import type { ServiceCtx } from '../context.js';
import { parseInput } from '../input.js';
import type { CampaignRow } from './read.js';

export const CreateCampaignInput = z.object({
  name: z
    .string()
    .trim()
    .refine(
      (n) => n.length > 0,
      '格式：/议题 新建 <名称> [类型:专项评议|代表建议|执法检查|其他] [年度:YYYY] [类别:a,b,c]',
    )
    .refine((n) => [...n].length <= CAMPAIGN_NAME_MAX, `议题名称不能超过 ${CAMPAIGN_NAME_MAX} 个字。`),
  kind: z
    .string()
    .optional()
    .refine(
      (k) => k === undefined || (CAMPAIGN_KINDS as readonly string[]).includes(k),
      `类型须为：${CAMPAIGN_KINDS.join('、')}。`,
    ),
  year: z
    .string()
    .optional()
    .refine((y) => y === undefined || /^(19|20)\d{2}$/.test(y), '年度须为四位数字，如 年度:2027。'),
  categories: z
    .array(z.string())
    .optional()
    .refine((c) => !c || (c.length > 0 && c.length <= CATEGORIES_MAX), `类别须为 1 到 ${CATEGORIES_MAX} 个。`)
    .refine(
      (c) => !c || c.every((x) => [...x].length <= CATEGORY_MAX),
      `每个类别不能超过 ${CATEGORY_MAX} 个字。`,
    ),
});
export type CreateCampaignInput = z.input<typeof CreateCampaignInput>;

/** /议题 新建: a campaign of this year (or 年度:), 专项评议 unless 类型: says, with the 营商 categories unless 类别:. */
export async function createCampaign(
  ctx: ServiceCtx,
  raw: CreateCampaignInput,
): Promise<{ campaign: CampaignRow; created: boolean }> {
  const i = parseInput(CreateCampaignInput, raw);
  mustStaff(ctx.actor, '新建议题');
  const existing = async () => (await ctx.tx.select().from(campaigns).where(eq(campaigns.name, i.name)))[0];
  const before = await existing();
  if (before) return { campaign: before, created: false };
  const year = i.year
    ? Number(i.year)
    : Number(ctx.now.toLocaleString('en-CA', { timeZone: ctx.config.timezone, year: 'numeric' }));
  const [campaign] = await ctx.tx
    .insert(campaigns)
    .values({
      name: i.name,
      kind: (i.kind as CampaignKind | undefined) ?? '专项评议',
      year,
      categories: i.categories ?? [...BUSINESS_CATEGORIES],
      createdBy: ctx.actor.openId,
      createdAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning();
  if (!campaign) {
    const now = await existing();
    if (now) return { campaign: now, created: false };
    throw new Error(`campaign ${i.name} neither inserted nor found`);
  }
  await audit(ctx, 'campaign.created', { type: 'campaign', id: campaign.id }, { after: campaign });
  return { campaign, created: true };
}

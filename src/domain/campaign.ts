import { CATEGORIES } from './problem.js';

/**
 * A campaign (监督议题): one supervision topic of a year, with its own problem list, categories,
 * groups, vote, 回头看 and public page section (docs/domain.md, "Campaigns"). Problems belong to
 * exactly one; codes stay unique across the deployment.
 */

export const CAMPAIGN_KINDS = ['专项评议', '代表建议', '执法检查', '其他'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export type CampaignState = 'open' | 'archived';
export const CAMPAIGN_STATE_LABEL: Record<CampaignState, string> = { open: '进行中', archived: '已归档' };

/** The 营商环境 preset: the six elements the seed's evaluation used, given to a campaign by default. */
export const BUSINESS_CATEGORIES = CATEGORIES;

/** A campaign's categories: its own, or the 营商 preset for one made without any. */
export const categoriesOf = (c: { categories: readonly string[] }): readonly string[] =>
  c.categories.length ? c.categories : CATEGORIES;

export const CAMPAIGN_NAME_MAX = 60;
export const CATEGORY_MAX = 20;
export const CATEGORIES_MAX = 20;

/** Categories as typed (a,b,c with Chinese or ASCII commas): trimmed, unique, in order. */
export function parseCategoryList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，、]/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * A campaign's public page is /public/<slug>, the slug `<year>-<id>` (2026-3): stable (neither is
 * ever edited), URL-safe without escaping, and readable; names are not used, they may change and
 * need escaping (docs/decisions, "public page per campaign").
 */
export const campaignSlug = (c: { id: number; year: number }): string => `${c.year}-${c.id}`;

/** The id and year a slug names; undefined when it is not one. */
export function parseCampaignSlug(slug: string): { id: number; year: number } | undefined {
  const m = /^(\d{4})-([1-9]\d{0,8})$/.exec(slug);
  return m ? { year: Number(m[1]), id: Number(m[2]) } : undefined;
}

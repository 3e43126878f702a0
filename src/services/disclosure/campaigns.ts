import { type and, desc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { campaigns, evaluations, problems } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { type CampaignKind, type CampaignState, parseCampaignSlug } from '../../domain/campaign.js';
import { listed } from '../disclosure.js';

/**
 * GET /public: the campaigns with published content (a published problem or a published vote
 * result), with a few aggregate figures each. A campaign staff have published nothing of has no
 * public page: it is not listed, and its address answers 404 (docs/decisions, "public page per
 * campaign").
 */

export interface PublicCampaign {
  id: number;
  name: string;
  kind: CampaignKind;
  year: number;
  state: CampaignState;
  /** Problems not withdrawn, closed among them, and published. */
  count: number;
  closed: number;
  published: number;
  votes: number;
}

export async function publicCampaigns(conn: Conn, onlyId?: number): Promise<PublicCampaign[]> {
  const perCampaign = (where: ReturnType<typeof and>) =>
    sql<number>`(select count(*)::int from ${problems} where ${problems.campaignId} = ${campaigns.id} and ${where})`;
  const rows = await conn
    .select({
      id: campaigns.id,
      name: campaigns.name,
      kind: campaigns.kind,
      year: campaigns.year,
      state: campaigns.state,
      count: perCampaign(ne(problems.state, 'withdrawn')),
      closed: perCampaign(eq(problems.state, 'closed')),
      published: perCampaign(listed),
      votes: sql<number>`(select count(*)::int from ${evaluations} where ${evaluations.campaignId} = ${campaigns.id} and ${isNotNull(evaluations.publishedAt)})`,
    })
    .from(campaigns)
    .where(onlyId === undefined ? undefined : eq(campaigns.id, onlyId))
    // Open ones first ('open' after 'archived'), then the newest year.
    .orderBy(desc(campaigns.state), desc(campaigns.year), desc(campaigns.id));
  return rows.filter((r) => r.published > 0 || r.votes > 0);
}

/** The campaign a slug names, when it has a public page; undefined otherwise. */
export async function publicCampaignBySlug(conn: Conn, slug: string): Promise<PublicCampaign | undefined> {
  const s = parseCampaignSlug(slug);
  if (!s) return undefined;
  return (await publicCampaigns(conn, s.id)).find((c) => c.year === s.year);
}

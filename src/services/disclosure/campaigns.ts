import { and, type Column, desc, eq, isNotNull, ne, type SQL, sql } from 'drizzle-orm';
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
  const only = (col: Column) => (onlyId === undefined ? undefined : eq(col, onlyId));
  const list = await conn
    .select()
    .from(campaigns)
    .where(only(campaigns.id))
    // Open ones first ('open' after 'archived'), then the newest year.
    .orderBy(desc(campaigns.state), desc(campaigns.year), desc(campaigns.id));
  const counted = (where: SQL | undefined) => sql<number>`(count(*) filter (where ${where}))::int`;
  const figures = await conn
    .select({
      id: problems.campaignId,
      count: counted(ne(problems.state, 'withdrawn')),
      closed: counted(eq(problems.state, 'closed')),
      published: counted(listed),
    })
    .from(problems)
    .where(only(problems.campaignId))
    .groupBy(problems.campaignId);
  const votes = await conn
    .select({ id: evaluations.campaignId, n: sql<number>`count(*)::int` })
    .from(evaluations)
    .where(and(isNotNull(evaluations.publishedAt), only(evaluations.campaignId)))
    .groupBy(evaluations.campaignId);
  return list
    .map((c) => {
      const f = figures.find((x) => x.id === c.id);
      return {
        id: c.id,
        name: c.name,
        kind: c.kind,
        year: c.year,
        state: c.state,
        count: f?.count ?? 0,
        closed: f?.closed ?? 0,
        published: f?.published ?? 0,
        votes: votes.find((v) => v.id === c.id)?.n ?? 0,
      };
    })
    .filter((r) => r.published > 0 || r.votes > 0);
}

/** The campaign a slug names, when it has a public page; undefined otherwise. */
export async function publicCampaignBySlug(conn: Conn, slug: string): Promise<PublicCampaign | undefined> {
  const s = parseCampaignSlug(slug);
  if (!s) return undefined;
  return (await publicCampaigns(conn, s.id)).find((c) => c.year === s.year);
}

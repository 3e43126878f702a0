import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import {
  campaignChoices,
  campaigns,
  evaluatedUnits,
  evaluations,
  problems,
  supervisionGroups,
} from '../../../db/schema/index.js';
import type { Tx } from '../../db.js';
import { BUSINESS_CATEGORIES, type CampaignKind } from '../../domain/campaign.js';
import { DEPUTY_CAMPAIGN } from './deputies.js';

/**
 * The demo's two campaigns (docs/domain.md "Campaigns"): the seed's 专项评议, made the default, and
 * the year's 代表建议办理. The campaign the migration made for existing data is adopted as the seed
 * campaign when nothing uses it yet (renamed, not deleted, so its id and the database default stay
 * as they were): a fresh database shows two campaigns, not an empty 默认议题 beside them. One that
 * holds data is left as it is. Idempotent: found by name on later runs, the default left alone.
 */

export const SEED_CAMPAIGN = {
  name: '2026年优化营商环境专项工作评议',
  kind: '专项评议' as CampaignKind,
  year: 2026,
  categories: [...BUSINESS_CATEGORIES] as string[],
};

export interface DemoCampaigns {
  seedId: number;
  deputiesId: number;
  /** What happened to the migration's campaign: adopted as the seed campaign, or left (it has data). */
  migrated: 'adopted' | 'kept' | 'none';
}

const empty = (id: number) =>
  sql<boolean>`not exists (select 1 from ${problems} where ${problems.campaignId} = ${id})
    and not exists (select 1 from ${supervisionGroups} where ${supervisionGroups.campaignId} = ${id})
    and not exists (select 1 from ${evaluations} where ${evaluations.campaignId} = ${id})
    and not exists (select 1 from ${evaluatedUnits} where ${evaluatedUnits.campaignId} = ${id})
    and not exists (select 1 from ${campaignChoices} where ${campaignChoices.campaignId} = ${id})`;

async function byName(tx: Tx, name: string) {
  return (await tx.select().from(campaigns).where(eq(campaigns.name, name)))[0];
}

/** The seed campaign: found, adopted from the migration's empty one, or created; default when new. */
async function seedCampaign(
  tx: Tx,
  now: Date,
  createdBy: string,
): Promise<{ id: number; migrated: DemoCampaigns['migrated'] }> {
  const found = await byName(tx, SEED_CAMPAIGN.name);
  if (found) return { id: found.id, migrated: 'none' };
  // The migration's campaign is the one no person created (every /议题 新建 records its creator).
  const [made] = await tx.select().from(campaigns).where(isNull(campaigns.createdBy)).orderBy(campaigns.id);
  if (made) {
    const [unused] = await tx
      .select({ ok: empty(made.id) })
      .from(campaigns)
      .where(eq(campaigns.id, made.id));
    if (unused?.ok) {
      await tx.update(campaigns).set(SEED_CAMPAIGN).where(eq(campaigns.id, made.id));
      await makeDefault(tx, made.id);
      return { id: made.id, migrated: 'adopted' };
    }
  }
  const [row] = await tx
    .insert(campaigns)
    .values({ ...SEED_CAMPAIGN, createdBy, createdAt: now })
    .returning({ id: campaigns.id });
  await makeDefault(tx, row!.id);
  return { id: row!.id, migrated: made ? 'kept' : 'none' };
}

/** One default at a time (a partial unique index): the old one gives it up first. */
async function makeDefault(tx: Tx, id: number): Promise<void> {
  await tx
    .update(campaigns)
    .set({ isDefault: false })
    .where(and(eq(campaigns.isDefault, true), ne(campaigns.id, id)));
  await tx.update(campaigns).set({ isDefault: true }).where(eq(campaigns.id, id));
}

/** `createdBy`: the demo's staff member, so only the migration's campaign has no creator. */
export async function ensureCampaigns(tx: Tx, now: Date, createdBy: string): Promise<DemoCampaigns> {
  const seed = await seedCampaign(tx, now, createdBy);
  let deputies = await byName(tx, DEPUTY_CAMPAIGN.name);
  if (!deputies)
    [deputies] = await tx
      .insert(campaigns)
      .values({
        name: DEPUTY_CAMPAIGN.name,
        kind: DEPUTY_CAMPAIGN.kind,
        year: DEPUTY_CAMPAIGN.year,
        categories: [...DEPUTY_CAMPAIGN.categories],
        createdBy,
        createdAt: now,
      })
      .returning();
  return { seedId: seed.id, deputiesId: deputies!.id, migrated: seed.migrated };
}

import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { CampaignKind, CampaignState } from '../../src/domain/campaign.js';

/**
 * Campaigns (监督议题). Exactly one is the deployment's default (`is_default`): it is everyone's
 * current campaign until they switch, and the database's default for a problem inserted without one
 * (`default_campaign_id()`, created by the migration that added campaigns).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: serial().primaryKey(),
    name: text().notNull(),
    kind: text().$type<CampaignKind>().notNull().default('专项评议'),
    year: integer().notNull(),
    state: text().$type<CampaignState>().notNull().default('open'),
    categories: jsonb().$type<string[]>().notNull(),
    isDefault: boolean().notNull().default(false),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    archivedAt: timestamp({ withTimezone: true }),
    /** 考核 weights set by /考核 权重 (component → percent, summing to 100); null: the defaults. */
    scoreWeights: jsonb().$type<Record<string, number>>(),
  },
  (t) => [
    uniqueIndex('campaigns_name_uq').on(t.name),
    uniqueIndex('campaigns_one_default_uq').on(t.isDefault).where(sql`${t.isDefault}`),
  ],
);

/** Each person's current campaign (/议题 切换); without a row, the default campaign. */
export const campaignChoices = pgTable('campaign_choices', {
  openId: text().primaryKey(),
  campaignId: integer()
    .notNull()
    .references(() => campaigns.id),
  chosenAt: timestamp({ withTimezone: true }).notNull(),
});

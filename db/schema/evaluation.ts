import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.js';

/** 评议对象: the units under evaluation, chosen by staff from the ranking. */
export const evaluatedUnits = pgTable(
  'evaluated_units',
  {
    campaignId: integer()
      .notNull()
      .default(sql`default_campaign_id()`)
      .references(() => campaigns.id),
    unitId: integer().notNull(),
    chosenBy: text(),
    chosenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.unitId] })],
);

/** 满意度测评: one vote over the evaluated units. status: open | closed | published. */
export const evaluations = pgTable('evaluations', {
  id: serial().primaryKey(),
  campaignId: integer()
    .notNull()
    .default(sql`default_campaign_id()`)
    .references(() => campaigns.id),
  name: text().notNull(),
  status: text().notNull().default('open'),
  unitIds: integer().array().notNull(),
  closesAt: timestamp({ withTimezone: true }),
  openedBy: text(),
  openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  closedAt: timestamp({ withTimezone: true }),
  /** The tally, written by the closing transaction (per unit, per merged category). */
  results: jsonb(),
  publishedAt: timestamp({ withTimezone: true }),
});

/** The voter roll: category 常委会委员 | 人大代表 | 群众代表 | 企业家代表. */
export const voters = pgTable(
  'voters',
  {
    id: serial().primaryKey(),
    openId: text().notNull(),
    category: text().notNull(),
    addedBy: text(),
  },
  (t) => [uniqueIndex('voters_open_id_uq').on(t.openId)],
);

/** Who has voted (turnout), with nothing that says how. */
export const ballotReceipts = pgTable(
  'ballot_receipts',
  {
    evaluationId: integer().notNull(),
    voterId: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.evaluationId, t.voterId] })],
);

/** One-time voting codes handed out on paper: only a hash is kept; `used` says nothing about the ballot. */
export const votingCodes = pgTable('voting_codes', {
  codeHash: text().primaryKey(),
  evaluationId: integer().notNull(),
  category: text().notNull(),
  used: boolean().notNull().default(false),
});

/**
 * Choices without any voter reference, deleted by the closing transaction that tallies them
 * (so neither row order nor xmin can tie a choice to a ballot_receipts row after the close).
 */
export const ballotPool = pgTable('ballot_pool', {
  id: uuid().primaryKey().defaultRandom(),
  evaluationId: integer().notNull(),
  category: text().notNull(),
  unitId: integer().notNull(),
  choice: text().notNull(),
});

/** 回头看: each closed problem of a unit with 不满意 votes, re-checked by its supervision group. */
export const reinspectionItems = pgTable(
  'reinspection_items',
  {
    id: serial().primaryKey(),
    evaluationId: integer().notNull(),
    problemId: integer().notNull(),
    unitId: integer().notNull(),
    groupId: integer(),
    /** pending | confirmed | reopened */
    status: text().notNull().default('pending'),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true }),
    newDeadline: date({ mode: 'string' }),
    reason: text(),
  },
  (t) => [uniqueIndex('reinspection_items_uq').on(t.evaluationId, t.problemId)],
);

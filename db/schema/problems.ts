import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ProblemState } from '../../src/domain/problem.js';
import { blobs } from './blobs.js';
import { campaigns } from './campaigns.js';
import { supervisionGroups, units } from './units.js';

/**
 * A problem on the list (问题清单). state: assigned | acknowledged | in_progress | closure_requested
 * | closed | withdrawn (README.md "States and transitions"). Code DB-<year>-<NNN>.
 */
export const problems = pgTable(
  'problems',
  {
    id: serial().primaryKey(),
    code: text().notNull(),
    year: integer().notNull(),
    seq: integer().notNull(),
    title: text().notNull(),
    description: text().notNull().default(''),
    source: text().notNull().default('走访'),
    category: text(),
    timeliness: text().notNull().default('长期整改'),
    leadUnitId: integer()
      .notNull()
      .references(() => units.id),
    groupId: integer().references(() => supervisionGroups.id),
    deadline: date({ mode: 'string' }).notNull(),
    state: text().$type<ProblemState>().notNull().default('assigned'),
    progressPct: integer(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    assignedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    lastProgressAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    /** Staff-approved title for anything made public (anonymous texts often name the sender's firm). */
    publicTitle: text(),
    /** Published on the disclosure page (GET /public) by staff. */
    publishedAt: timestamp({ withTimezone: true }),
    /** Spreadsheet import key (序号 or content hash): importing twice duplicates nothing. */
    importKey: text(),
    /** The campaign (议题) it belongs to; without one given, the default campaign. */
    campaignId: integer()
      .notNull()
      .default(sql`default_campaign_id()`)
      .references(() => campaigns.id),
    /**
     * 提出人, for 回访: `person` (a Lark user, raiserOpenId) or `deputy` (a 人大代表 by name,
     * raiserName). A problem from anonymous feedback has neither: its raiser is reached only
     * through the receipt code (anonymous_feedback.problem_id), never stored as identity.
     */
    raiserKind: text().$type<'person' | 'deputy'>(),
    raiserOpenId: text(),
    raiserName: text(),
  },
  (t) => [
    uniqueIndex('problems_code_uq').on(t.code),
    uniqueIndex('problems_import_key_uq').on(t.campaignId, t.importKey),
    index('problems_lead_unit_idx').on(t.leadUnitId),
    index('problems_state_idx').on(t.state),
    index('problems_campaign_idx').on(t.campaignId),
  ],
);

/** 配合单位. */
export const problemCoUnits = pgTable(
  'problem_co_units',
  {
    problemId: integer()
      .notNull()
      .references(() => problems.id),
    unitId: integer()
      .notNull()
      .references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.problemId, t.unitId] }), index('problem_co_units_unit_idx').on(t.unitId)],
);

/**
 * The problem's history as people read it in /查看: assigned, acknowledged, progress (with
 * percentage and quantified outcomes), evidence, requests and decisions.
 */
export const problemEvents = pgTable(
  'problem_events',
  {
    id: serial().primaryKey(),
    problemId: integer()
      .notNull()
      .references(() => problems.id),
    at: timestamp({ withTimezone: true }).notNull(),
    actorOpenId: text(),
    actorName: text().notNull(),
    unitId: integer(),
    kind: text().notNull(),
    text: text().notNull().default(''),
    data: jsonb(),
  },
  (t) => [index('problem_events_problem_idx').on(t.problemId, t.at)],
);

/**
 * Pending and decided requests: closure (申请销号), extension (申请延期), dispute (申请改派).
 * One pending extension or dispute at a time per problem.
 */
export const problemRequests = pgTable(
  'problem_requests',
  {
    id: serial().primaryKey(),
    problemId: integer()
      .notNull()
      .references(() => problems.id),
    kind: text().notNull(),
    status: text().notNull().default('pending'),
    requestedBy: text().notNull(),
    unitId: integer(),
    text: text().notNull().default(''),
    newDeadline: date({ mode: 'string' }),
    requestedAt: timestamp({ withTimezone: true }).notNull(),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true }),
    decisionReason: text(),
  },
  (t) => [
    index('problem_requests_problem_idx').on(t.problemId),
    uniqueIndex('problem_requests_one_pending_uq').on(t.problemId, t.kind).where(sql`status = 'pending'`),
  ],
);

/** 佐证材料 attached to a problem. */
export const evidence = pgTable(
  'evidence',
  {
    id: serial().primaryKey(),
    problemId: integer()
      .notNull()
      .references(() => problems.id),
    sha256: text()
      .notNull()
      .references(() => blobs.sha256),
    name: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    contentType: text().notNull(),
    kind: text().notNull(),
    /** Lark's image_key / file_key in the message it came with (for re-sending images in cards). */
    fileKey: text(),
    sourceMessageId: text(),
    unitId: integer(),
    uploadedBy: text().notNull(),
    uploadedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    index('evidence_problem_idx').on(t.problemId),
    uniqueIndex('evidence_problem_sha_uq').on(t.problemId, t.sha256),
  ],
);

/** Named counters (problem code sequence per year), updated under a row lock. */
export const counters = pgTable('counters', {
  name: text().primaryKey(),
  value: integer().notNull(),
});

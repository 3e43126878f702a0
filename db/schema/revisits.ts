import { date, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { problems } from './problems.js';

/**
 * 回访: the raiser's rating of a closed problem, one row per closure (round 1 is the first close,
 * which 首次办结满意率 counts). Only the day of a rating is kept (`rated_on`), the same for every
 * kind of raiser, so an anonymous raiser's rating leaves no time that could match a message.
 */
export const revisits = pgTable(
  'revisits',
  {
    id: serial().primaryKey(),
    problemId: integer()
      .notNull()
      .references(() => problems.id),
    round: integer().notNull(),
    /** person | deputy | anonymous */
    raiserKind: text().notNull(),
    askedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** satisfied | basic | unsatisfied (满意 | 基本满意 | 不满意); null until rated. */
    rating: text(),
    comment: text(),
    ratedOn: date({ mode: 'string' }),
    /** A named 代表's one-time web code: only its hash, valid until expires_at, once. */
    codeHash: text(),
    expiresAt: timestamp({ withTimezone: true }),
    /** For 不满意: redo (重办, a new deadline) | explained (说明理由); null while pending. */
    disposition: text(),
    reason: text(),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('revisits_round_uq').on(t.problemId, t.round),
    uniqueIndex('revisits_code_uq').on(t.codeHash),
  ],
);

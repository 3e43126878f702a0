import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Spent web-form tokens, shared by every instance so a token is single-use across them. Only the
 * token's random nonce and the hour it expires are kept: nothing about who submitted, nor when
 * (docs/decisions/0008-input-guards.md). Rows past their hour are deleted as new ones arrive.
 */
export const formTokens = pgTable('form_tokens', {
  nonce: text().primaryKey(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * App-wide counters in fixed windows (web-form submissions per minute, wrong voting codes per
 * ten minutes), shared by every instance. Never keyed by IP or anyone's identity: we keep none.
 * Only the current window's row is kept.
 */
export const rateWindows = pgTable(
  'rate_windows',
  {
    scope: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    hits: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.scope, t.windowStart] })],
);

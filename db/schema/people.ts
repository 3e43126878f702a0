import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** People the bot has met: a cache of the contact API so cards show names, not open_ids. */
export const people = pgTable('people', {
  openId: text().primaryKey(),
  name: text().notNull(),
  unionId: text(),
  userId: text(),
  email: text(),
  mobile: text(),
  fetchedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** admin | staff | supervisor. Admins listed in ADMIN_OPEN_IDS are admins without a row. */
export const roles = pgTable(
  'roles',
  {
    openId: text().notNull(),
    role: text().notNull(),
    grantedBy: text(),
    grantedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.openId, t.role] })],
);

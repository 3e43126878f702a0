import { bigint, customType, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

/** Evidence bytes, one copy per sha256. */
export const blobs = pgTable('blobs', {
  sha256: text().primaryKey(),
  bytes: bytea().notNull(),
  size: bigint({ mode: 'number' }).notNull(),
  contentType: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

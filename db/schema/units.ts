import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { campaigns } from './campaigns.js';

/** 承办单位: full name, short name and aliases (市科经局 = 市科学技术和经济信息化局). */
export const units = pgTable(
  'units',
  {
    id: serial().primaryKey(),
    name: text().notNull(),
    shortName: text(),
    aliases: text().array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('units_name_uq').on(t.name)],
);

/** 联络员: several per unit; a person may serve several units. */
export const unitContacts = pgTable(
  'unit_contacts',
  {
    unitId: integer()
      .notNull()
      .references(() => units.id),
    openId: text().notNull(),
    addedBy: text(),
    addedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.openId] }), index('unit_contacts_open_id_idx').on(t.openId)],
);

/** 督导组: follows one or more units, has members (supervisors) and an optional group chat. */
export const supervisionGroups = pgTable(
  'supervision_groups',
  {
    id: serial().primaryKey(),
    /** Groups belong to one campaign (议题); names are unique within it. */
    campaignId: integer()
      .notNull()
      .default(sql`default_campaign_id()`)
      .references(() => campaigns.id),
    name: text().notNull(),
    chatId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('supervision_groups_name_uq').on(t.campaignId, t.name)],
);

export const groupUnits = pgTable(
  'group_units',
  {
    groupId: integer()
      .notNull()
      .references(() => supervisionGroups.id),
    unitId: integer()
      .notNull()
      .references(() => units.id),
    /** The group's campaign, copied so the rule below can be an index. */
    campaignId: integer()
      .notNull()
      .default(sql`default_campaign_id()`)
      .references(() => campaigns.id),
  },
  // In a campaign a unit is followed by one group, so responsibility never blurs.
  (t) => [
    primaryKey({ columns: [t.groupId, t.unitId] }),
    uniqueIndex('group_units_unit_uq').on(t.campaignId, t.unitId),
  ],
);

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: integer()
      .notNull()
      .references(() => supervisionGroups.id),
    openId: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.openId] }), index('group_members_open_id_idx').on(t.openId)],
);

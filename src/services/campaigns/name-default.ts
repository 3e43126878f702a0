import { and, eq, isNull } from 'drizzle-orm';
import { campaigns } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';

/** The name the campaigns migration gives the campaign existing data moved into. */
export const MIGRATED_CAMPAIGN_NAME = '默认议题';

/**
 * After migrating: the campaign the migration made for existing data takes DEFAULT_CAMPAIGN_NAME
 * (SQL migrations cannot read the environment). Only that one, only while it still has the
 * migration's name and no one else uses the wanted name; idempotent.
 */
export async function nameMigratedCampaign(conn: Conn, wanted: string): Promise<boolean> {
  const name = wanted.trim();
  if (!name || name === MIGRATED_CAMPAIGN_NAME) return false;
  const [taken] = await conn.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.name, name));
  if (taken) return false;
  const renamed = await conn
    .update(campaigns)
    .set({ name })
    .where(and(eq(campaigns.name, MIGRATED_CAMPAIGN_NAME), isNull(campaigns.createdBy)))
    .returning({ id: campaigns.id });
  return renamed.length > 0;
}

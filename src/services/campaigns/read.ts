import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { campaignChoices, campaigns } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { invalid, notFound } from '../../domain/errors.js';
import { closest } from '../../domain/text.js';

export type CampaignRow = typeof campaigns.$inferSelect;

export async function allCampaigns(conn: Conn): Promise<CampaignRow[]> {
  return conn.select().from(campaigns).orderBy(asc(campaigns.id));
}

/** A campaign by its exact name, or "did you mean" with the closest names and the list command. */
export async function resolveCampaign(conn: Conn, name: string): Promise<CampaignRow> {
  const n = name.trim();
  if (!n) throw invalid('请填写议题名称。');
  const list = await allCampaigns(conn);
  const hit = list.find((c) => c.name === n);
  if (hit) return hit;
  const near = closest(
    n,
    list.map((c) => c.name),
  );
  throw notFound(
    `未找到议题「${n}」。${near.length ? `您是否要找：${near.join('、')}？` : ''}发送 /议题 列表 查看全部议题。`,
  );
}

/** A campaign by id (a card's or a form's), refused when it no longer exists. */
export async function campaignById(conn: Conn, id: number): Promise<CampaignRow> {
  const [row] = await conn.select().from(campaigns).where(eq(campaigns.id, id));
  if (!row) throw notFound('该议题已不存在。发送 /议题 列表 查看全部议题。');
  return row;
}

/** The open campaigns, oldest first. */
export async function openCampaigns(conn: Conn): Promise<CampaignRow[]> {
  return conn.select().from(campaigns).where(eq(campaigns.state, 'open')).orderBy(asc(campaigns.id));
}

/** The open campaigns' ids, as a subquery. */
export const openCampaignIds = (conn: Conn) =>
  conn.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.state, 'open'));

/** The deployment's default campaign (there is always one: the migration made it). */
export async function defaultCampaign(conn: Conn): Promise<CampaignRow> {
  const [row] = await conn.select().from(campaigns).where(eq(campaigns.isDefault, true));
  if (!row) throw new Error('no default campaign: the campaigns migration has not run');
  return row;
}

/** A person's current campaign: their /议题 切换, else the default. */
export async function currentCampaign(conn: Conn, openId: string): Promise<CampaignRow> {
  const [row] = await conn
    .select({ c: campaigns })
    .from(campaignChoices)
    .innerJoin(campaigns, eq(campaigns.id, campaignChoices.campaignId))
    .where(eq(campaignChoices.openId, openId));
  return row?.c ?? defaultCampaign(conn);
}

/** The campaign a set command acts on: `议题:<名称>` when given, else the asker's current one. */
export async function campaignFor(conn: Conn, openId: string, named?: string): Promise<CampaignRow> {
  return named !== undefined ? resolveCampaign(conn, named) : currentCampaign(conn, openId);
}

/** The input of a verb that names one campaign: its name, with the command's form when empty. */
export const campaignNameInput = (form: string) =>
  z.object({ name: z.string().refine((n) => n.trim().length > 0, `格式：${form}`) });

/** Where triage may put anonymous feedback: the open campaigns, the person's current one first, and their categories. */
export async function triageCampaigns(conn: Conn, openId: string) {
  const current = await currentCampaign(conn, openId);
  const open = (await allCampaigns(conn)).filter((c) => c.state === 'open');
  const campaigns = [...open.filter((c) => c.id === current.id), ...open.filter((c) => c.id !== current.id)];
  return {
    campaigns: campaigns.map((c) => ({ id: c.id, name: c.name })),
    categories: [...new Set(campaigns.flatMap((c) => c.categories))],
  };
}

import type { Conn } from '../../db.js';
import { conflict } from '../../domain/errors.js';
import { type CampaignRow, currentCampaign, resolveCampaign } from './read.js';

/**
 * The campaign a command acts on: `议题:<名称>` when the word was given (an empty name is refused,
 * not taken as "the current one"), else the asker's current campaign.
 */
export function namedOrCurrent(conn: Conn, openId: string, named: string | undefined): Promise<CampaignRow> {
  return named !== undefined ? resolveCampaign(conn, named) : currentCampaign(conn, openId);
}

/**
 * The campaign a change acts on (`议题:<名称>`, else the asker's current one), refused when archived:
 * an archived campaign is read-only (its groups, 评议对象 and votes stay as they were).
 */
export async function writableCampaign(
  conn: Conn,
  openId: string,
  named: string | undefined,
  doing: string,
): Promise<CampaignRow> {
  const c = await namedOrCurrent(conn, openId, named);
  if (c.state === 'archived')
    throw conflict(
      `议题「${c.name}」已归档，不能再${doing}。请用 /议题 切换 <名称> 切换到进行中的议题，或写明 议题:<名称>；如需继续，请工作人员发送 /议题 恢复 ${c.name}。`,
    );
  return c;
}

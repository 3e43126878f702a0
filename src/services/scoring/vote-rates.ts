import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { evaluations } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';

const Results = z.looseObject({
  units: z.array(
    z.looseObject({
      unitId: z.number(),
      counts: z.looseObject({ satisfied: z.number(), basic: z.number(), total: z.number() }),
    }),
  ),
});

/**
 * The 满意度测评 result per unit of a campaign's latest closed vote, as a rate in [0, 1] with the
 * same definition as 回访's 满意率: (满意 + 基本满意) ÷ votes. 考核 uses it where 回访 is absent.
 */
export async function voteRates(conn: Conn, campaignId: number): Promise<Map<number, number>> {
  const [e] = await conn
    .select({ results: evaluations.results })
    .from(evaluations)
    .where(and(eq(evaluations.campaignId, campaignId), inArray(evaluations.status, ['closed', 'published'])))
    .orderBy(desc(evaluations.closedAt), desc(evaluations.id))
    .limit(1);
  const parsed = Results.safeParse(e?.results);
  const out = new Map<number, number>();
  if (!parsed.success) return out;
  for (const u of parsed.data.units)
    if (u.counts.total > 0) out.set(u.unitId, (u.counts.satisfied + u.counts.basic) / u.counts.total);
  return out;
}

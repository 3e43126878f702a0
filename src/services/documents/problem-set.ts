import { type SQL, sql } from 'drizzle-orm';

/**
 * Which problems a document or a score covers, as a condition on `problems p`. Today every
 * problem; campaigns will pass `p.campaign_id = …` here, so no loader changes when they land.
 */
export type ProblemSet = SQL;
export const ALL_PROBLEMS: ProblemSet = sql`true`;

/** One campaign's problems. */
export const campaignProblems = (campaignId: number): ProblemSet => sql`p.campaign_id = ${campaignId}`;

/**
 * 回访 ratings and the one definition of 满意率 (docs/domain.md "回访"): (满意 + 基本满意) ÷ rated,
 * each problem counted once with its latest rating. 首次办结满意率 counts each problem's rating of
 * its first close only, so 不满意 → 重办 → closed again is still one unsatisfied first close.
 */

export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABEL: Record<Rating, string> = {
  satisfied: '满意',
  basic: '基本满意',
  unsatisfied: '不满意',
};

export function parseRating(word: string): Rating | undefined {
  const w = word.trim();
  return RATINGS.find((r) => r === w.toLowerCase() || RATING_LABEL[r] === w);
}

export interface SatisfactionCounts {
  /** Problems with a rating (latest round). */
  rated: number;
  /** Of those, rated 满意 or 基本满意. */
  satisfied: number;
  /** Problems whose first close was rated. */
  firstRated: number;
  /** Of those, rated 满意 or 基本满意 after the first close. */
  firstSatisfied: number;
}

export const NO_RATINGS: SatisfactionCounts = { rated: 0, satisfied: 0, firstRated: 0, firstSatisfied: 0 };

/** A rate in [0, 1], or null without a denominator (shown as "—", never NaN). */
export const satisfactionRate = (c: SatisfactionCounts): number | null =>
  c.rated ? c.satisfied / c.rated : null;
export const firstCloseSatisfactionRate = (c: SatisfactionCounts): number | null =>
  c.firstRated ? c.firstSatisfied / c.firstRated : null;

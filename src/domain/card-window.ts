/**
 * Lark lets a sent card be clicked and patched for 14 days (docs/lark.md). Whatever must live as
 * long as a card's buttons (a copy kept true, an import or calendar draft behind a preview) uses
 * this window.
 */
export const CARD_WINDOW_MS = 14 * 86_400_000;

/** The oldest moment a card sent before `now` may still be clicked or patched. */
export const cardWindowStart = (now: Date): Date => new Date(now.getTime() - CARD_WINDOW_MS);

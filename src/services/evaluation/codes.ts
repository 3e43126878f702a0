import { createHash, createHmac, randomInt } from 'node:crypto';
import type { Conn } from '../../db.js';
import { hasRoom, type RateWindow, takeHit } from '../rate-windows.js';

/**
 * One-time voting codes for voters outside the tenant (invited citizens, entrepreneurs). Handed out
 * on paper: the plain code exists only in the staff member's reply (an outbox row deleted once
 * sent); the database keeps an HMAC of it keyed by APP_SECRET_KEY (so a copy of the database
 * cannot be brute-forced offline) and whether it was used — never who got it. Codes of 8
 * characters, stored as a plain sha256 before, stay valid until their vote closes.
 */

/** No 0/O, 1/I/L: read off paper and typed on a phone. 31^10 ≈ 8.2·10^14 codes. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 10;
const LEGACY_LENGTH = 8;
export const MAX_CODES = 500;
/** Wrong codes app-wide per window before every code check waits for the next window. */
export const GUESS_WINDOW_MS = 10 * 60_000;
export const GUESS_CAP = 100;
const GUESS: RateWindow = { scope: 'ballot-guess', windowMs: GUESS_WINDOW_MS, cap: GUESS_CAP };

export function newVotingCode(): string {
  const c = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(
    '',
  );
  return `${c.slice(0, 5)}-${c.slice(5)}`;
}

/** Case, spaces and dashes do not matter; undefined when it cannot be a code at all. */
export function normalizeCode(raw: string): string | undefined {
  const c = raw.toUpperCase().replace(/[\s-]/g, '');
  if (c.length !== CODE_LENGTH && c.length !== LEGACY_LENGTH) return undefined;
  for (const ch of c) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return c;
}

/** The stored form of a normalized code: HMAC for current codes, sha256 for the 8-character ones. */
export function codeHash(normalized: string, key: string | undefined): string {
  if (normalized.length === LEGACY_LENGTH)
    return createHash('sha256').update(`duban-ballot:${normalized}`).digest('hex');
  if (!key) throw new Error('APP_SECRET_KEY is required for voting codes');
  return createHmac('sha256', key).update(`duban-ballot:${normalized}`).digest('hex');
}

/** False while the window's wrong guesses are used up (app-wide, never per IP: we keep none). */
export const guessingAllowed = (conn: Conn, now: Date) => hasRoom(conn, GUESS, now);

/** Counts one wrong code (in its own statement, after the refused transaction). */
export async function countWrongGuess(conn: Conn, now: Date): Promise<void> {
  await takeHit(conn, GUESS, now);
}

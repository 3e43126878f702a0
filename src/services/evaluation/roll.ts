import { z } from 'zod';
import { voters } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { invalid } from '../../domain/errors.js';
import { parseVoterCategory, VOTER_CATEGORIES, type VoterCategory } from '../../domain/tally.js';
import { namesOf } from '../people/read.js';

/**
 * 投票人名单: people in the tenant who vote in chat, each with a category. People outside the
 * tenant are not on the roll: they vote with one-time codes (codes.ts, issue-codes.ts).
 */

export function categoryOf(word: string): VoterCategory {
  const c = parseVoterCategory(word);
  if (!c) throw invalid(`投票人类别「${word}」无效，可选：${VOTER_CATEGORIES.join('、')}。`);
  return c;
}

/** A person as a command names them, resolved before the transaction. */
export const Person = z.object({ openId: z.string(), name: z.string() });

export interface RollChange {
  added: string[];
  moved: { name: string; from: string }[];
  already: string[];
  /** Ballot cards sent now because a vote is open. */
  ballotsSent: number;
}

export interface RollListing {
  byCategory: { category: VoterCategory; names: string[] }[];
  total: number;
}

export async function listRoll(conn: Conn): Promise<RollListing> {
  const rows = await conn.select().from(voters);
  const names = await namesOf(
    conn,
    rows.map((r) => r.openId),
  );
  return {
    byCategory: VOTER_CATEGORIES.map((category) => ({
      category,
      names: rows
        .filter((r) => r.category === category)
        .map((r) => names.get(r.openId)!)
        .sort((a, b) => a.localeCompare(b, 'zh')),
    })),
    total: rows.length,
  };
}

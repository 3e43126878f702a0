import { eq } from 'drizzle-orm';
import { voters } from '../../../db/schema/index.js';
import type { Conn } from '../../db.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { parseVoterCategory, VOTER_CATEGORIES, type VoterCategory } from '../../domain/tally.js';
import type { ServiceCtx } from '../context.js';
import { namesOf } from '../people/read.js';
import { sendBallots } from './ballot.js';
import { auditEval, mustStaff, openEvaluation } from './common.js';

/**
 * 投票人名单: people in the tenant who vote in chat, each with a category. People outside the
 * tenant are not on the roll: they vote with one-time codes (codes.ts).
 */

export function categoryOf(word: string): VoterCategory {
  const c = parseVoterCategory(word);
  if (!c) throw invalid(`投票人类别「${word}」无效，可选：${VOTER_CATEGORIES.join('、')}。`);
  return c;
}

export interface RollChange {
  added: string[];
  moved: { name: string; from: string }[];
  already: string[];
  /** Ballot cards sent now because a vote is open. */
  ballotsSent: number;
}

export async function addVoters(
  ctx: ServiceCtx,
  category: VoterCategory,
  people: { openId: string; name: string }[],
): Promise<RollChange> {
  mustStaff(ctx.actor, '管理投票人名单');
  const open = await openEvaluation(ctx.tx);
  const r: RollChange = { added: [], moved: [], already: [], ballotsSent: 0 };
  const fresh: string[] = [];
  for (const p of people) {
    const [cur] = await ctx.tx.select().from(voters).where(eq(voters.openId, p.openId)).for('update');
    if (cur?.category === category) {
      r.already.push(p.name);
      continue;
    }
    if (cur) {
      // The pool keeps the category a ballot was cast under; changing it mid-vote would skew turnout.
      if (open) throw conflict(`${p.name}已在名单中（${cur.category}），测评进行中不能更改其类别。`);
      await ctx.tx.update(voters).set({ category, addedBy: ctx.actor.openId }).where(eq(voters.id, cur.id));
      r.moved.push({ name: p.name, from: cur.category });
    } else {
      await ctx.tx.insert(voters).values({ openId: p.openId, category, addedBy: ctx.actor.openId });
      r.added.push(p.name);
      fresh.push(p.openId);
    }
    await auditEval(
      ctx.tx,
      ctx.now,
      ctx.actor,
      cur ? 'voter.category_changed' : 'voter.added',
      { type: 'voter', id: p.openId },
      {
        before: cur ? { category: cur.category } : null,
        after: { name: p.name, category },
      },
    );
  }
  if (open && fresh.length) r.ballotsSent = await sendBallots(ctx.tx, open, fresh, ctx.config.timezone);
  return r;
}

export async function removeVoter(
  ctx: ServiceCtx,
  person: { openId: string; name: string },
): Promise<string> {
  mustStaff(ctx.actor, '管理投票人名单');
  const open = await openEvaluation(ctx.tx);
  if (open) throw conflict(`满意度测评「${open.name}」正在进行，结束后才能移除投票人。`);
  const [cur] = await ctx.tx.delete(voters).where(eq(voters.openId, person.openId)).returning();
  if (!cur) throw notFound(`${person.name}不在投票人名单中。`);
  await auditEval(
    ctx.tx,
    ctx.now,
    ctx.actor,
    'voter.removed',
    { type: 'voter', id: person.openId },
    { before: { name: person.name, category: cur.category } },
  );
  return cur.category;
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

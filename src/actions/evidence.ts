import { and, desc, eq } from 'drizzle-orm';
import { ACTION, parseValue } from '../../cards/actions.js';
import { evidenceListCard, evidencePickedCard } from '../../cards/evidence.js';
import { blobs, evidence, outbox } from '../../db/schema/index.js';
import { canSee } from '../domain/capabilities.js';
import { forbidden, notFound } from '../domain/errors.js';
import { queueEvidence } from '../services/evidence.js';
import { findProblem, loadEvidence, type ProblemRow, relationOf } from '../services/problems/load.js';
import type { ActionContext, ActionHandler } from './context.js';

/** Card buttons about 佐证材料. Values name what was clicked; authority and state are checked again here. */

/** Re-sending on 查看材料: the newest files, within a budget (the bytes travel through the outbox). */
const RESEND_MAX_FILES = 5;
const RESEND_MAX_BYTES = 40 * 1024 * 1024;

async function viewable(ctx: ActionContext, pid: number): Promise<ProblemRow> {
  const p = await findProblem(ctx.tx, pid);
  if (!canSee(await relationOf(ctx.tx, ctx.actor.openId, ctx.actor.roles, p)))
    throw forbidden(`您无权查看 ${p.code} 的佐证材料。`);
  return p;
}

/** A file message to the clicker's one-to-one chat: uploaded first (outbox kind upload_file), then sent. */
async function fileTo(ctx: ActionContext, p: ProblemRow, e: { sha256: string; name: string }): Promise<void> {
  const [b] = await ctx.tx.select({ bytes: blobs.bytes }).from(blobs).where(eq(blobs.sha256, e.sha256));
  if (!b) throw notFound('该材料的文件已不存在。');
  // Images go as files too: the original bytes, full size, with their name.
  ctx.send({
    msgType: 'file',
    content: {},
    purpose: 'evidence_copy',
    problemId: p.id,
    file: { name: e.name, bytes: b.bytes },
    to: { type: 'open_id', id: ctx.actor.openId },
  });
}

export const evidenceActions: Record<string, ActionHandler> = {
  /** The answer to "which problem is this for?": only the sender of the file, only an open problem of theirs. */
  [ACTION.evidenceAttach]: async (ctx) => {
    const v = parseValue(ACTION.evidenceAttach, ctx.value);
    // The card must be the one we asked this person with, about this very message.
    const [asked] = ctx.messageId
      ? await ctx.tx
          .select({ audience: outbox.audience, target: outbox.targetMessageId })
          .from(outbox)
          .where(and(eq(outbox.sentMessageId, ctx.messageId), eq(outbox.purpose, 'evidence_pick')))
      : [];
    if (!asked || asked.audience !== ctx.actor.openId || asked.target !== v.mid)
      throw forbidden('只有发送该文件的人可以选择它所属的问题。');
    const p = await findProblem(ctx.tx, v.pid);
    await queueEvidence(ctx.tx, ctx.actor, p, {
      messageId: v.mid,
      chatId: ctx.chatId,
      fileKey: v.fk,
      kind: v.kind,
      fileName: v.kind === 'file' ? v.name : undefined,
    });
    const name = v.name ?? (v.kind === 'image' ? '图片' : '文件');
    return {
      toast: { type: 'success', content: `正在保存到 ${p.code}，完成后会回复您。` },
      card: evidencePickedCard(name, p),
    };
  },

  /** 查看材料: the list card (images shown) and the newest files, to the clicker's one-to-one chat. */
  [ACTION.evidenceList]: async (ctx) => {
    const { pid } = parseValue(ACTION.evidenceList, ctx.value);
    const p = await viewable(ctx, pid);
    const items = await loadEvidence(ctx.tx, p.id);
    if (!items.length) return { toast: { type: 'info', content: `${p.code} 尚无佐证材料。` } };
    const files = await ctx.tx
      .select({ sha256: evidence.sha256, name: evidence.name, size: evidence.size })
      .from(evidence)
      .where(and(eq(evidence.problemId, p.id), eq(evidence.kind, 'file')))
      .orderBy(desc(evidence.uploadedAt), desc(evidence.id));
    let budget = RESEND_MAX_BYTES;
    const resend = [];
    for (const f of files) {
      if (resend.length >= RESEND_MAX_FILES || f.size > budget) break;
      budget -= f.size;
      resend.push(f);
    }
    // No audience: this card is not a problem card, refreshCopies must not rebuild it. The
    // problemId still lets a file sent as a reply to it attach to this problem.
    ctx.send({
      msgType: 'interactive',
      content: evidenceListCard(p, items, ctx.config.timezone, { resent: resend.length }),
      purpose: 'evidence_list',
      problemId: p.id,
      to: { type: 'open_id', id: ctx.actor.openId },
    });
    for (const f of resend) await fileTo(ctx, p, f);
    return { toast: { type: 'success', content: '已发送至您的单聊' } };
  },

  /** 查看 on one item: that file, to the clicker's one-to-one chat. */
  [ACTION.evidenceSend]: async (ctx) => {
    const { pid, eid } = parseValue(ACTION.evidenceSend, ctx.value);
    const p = await viewable(ctx, pid);
    const [e] = await ctx.tx
      .select({ sha256: evidence.sha256, name: evidence.name })
      .from(evidence)
      .where(and(eq(evidence.id, eid), eq(evidence.problemId, p.id)));
    if (!e) throw notFound('未找到该材料，可能已被移除。');
    await fileTo(ctx, p, e);
    return { toast: { type: 'success', content: '已发送至您的单聊' } };
  },
};

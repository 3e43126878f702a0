import { ACTION, parseValue } from '../../cards/actions.js';
import { evidenceListCard, evidencePickedCard } from '../../cards/evidence.js';
import { attachEvidence } from '../services/evidence/attach.js';
import type { EvidenceBytes } from '../services/evidence/common.js';
import { evidenceFile } from '../services/evidence/file.js';
import { listEvidence } from '../services/evidence/list.js';
import type { ProblemRow } from '../services/problems/load.js';
import type { ActionContext, ActionHandler } from './context.js';

/** Card buttons about 佐证材料. Values name what was clicked; authority and state are checked again by the services. */

/** A file message to the clicker's one-to-one chat: uploaded first (outbox kind upload_file), then sent. */
function fileTo(ctx: ActionContext, p: ProblemRow, f: EvidenceBytes): void {
  // Images go as files too: the original bytes, full size, with their name.
  ctx.send({
    msgType: 'file',
    content: {},
    purpose: 'evidence_copy',
    problemId: p.id,
    file: { name: f.name, bytes: f.bytes },
    to: { type: 'open_id', id: ctx.actor.openId },
  });
}

export const evidenceActions: Record<string, ActionHandler> = {
  /** The answer to "which problem is this for?": only the sender of the file, only an open problem of theirs. */
  [ACTION.evidenceAttach]: async (ctx) => {
    const v = parseValue(ACTION.evidenceAttach, ctx.value);
    const { problem: p, name } = await attachEvidence(ctx, {
      problemId: v.pid,
      messageId: v.mid,
      chatId: ctx.chatId,
      fileKey: v.fk,
      kind: v.kind,
      name: v.name,
      cardMessageId: ctx.messageId,
    });
    return {
      toast: { type: 'success', content: `正在保存到 ${p.code}，完成后会回复您。` },
      card: evidencePickedCard(name, p),
    };
  },

  /** 查看材料: the list card (images shown) and the newest files, to the clicker's one-to-one chat. */
  [ACTION.evidenceList]: async (ctx) => {
    const { pid } = parseValue(ACTION.evidenceList, ctx.value);
    const { problem: p, items, resend } = await listEvidence(ctx, { problemId: pid });
    if (!items.length) return { toast: { type: 'info', content: `${p.code} 尚无佐证材料。` } };
    // No audience: this card is not a problem card, refreshCopies must not rebuild it. The
    // problemId still lets a file sent as a reply to it attach to this problem.
    ctx.send({
      msgType: 'interactive',
      content: evidenceListCard(p, items, ctx.config.timezone, { resent: resend.length }),
      purpose: 'evidence_list',
      problemId: p.id,
      to: { type: 'open_id', id: ctx.actor.openId },
    });
    for (const f of resend) fileTo(ctx, p, f);
    return { toast: { type: 'success', content: '已发送至您的单聊' } };
  },

  /** 查看 on one item: that file, to the clicker's one-to-one chat. */
  [ACTION.evidenceSend]: async (ctx) => {
    const { pid, eid } = parseValue(ACTION.evidenceSend, ctx.value);
    const { problem: p, file } = await evidenceFile(ctx, { problemId: pid, evidenceId: eid });
    fileTo(ctx, p, file);
    return { toast: { type: 'success', content: '已发送至您的单聊' } };
  },
};

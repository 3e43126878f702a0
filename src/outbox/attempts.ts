import type { DeliveryOutcome } from '../lark/messenger.js';

/**
 * What a failed attempt tells about Lark having the message:
 * - unreached: surely not accepted (connection refused, 429, a 5xx or error code Lark answered);
 * - maybe: it may have arrived (timeout after sending, reset mid-response, anything unknown);
 * - refused: a permanent refusal.
 * After the one-hour dedup window a row is re-sent under a new uuid; if any attempt was `maybe`,
 * the re-send is marked 重发 (docs/decisions/0007-outbox-recovery.md).
 */
export type AttemptKind = 'unreached' | 'maybe' | 'refused';

const NEVER_CONNECTED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|status code 5\d\d/;

export function attemptKind(o: Exclude<DeliveryOutcome, { ok: true }>): AttemptKind {
  if (!o.retry) return 'refused';
  if (o.waitMs !== undefined || o.code !== undefined) return 'unreached';
  return NEVER_CONNECTED.test(o.error) ? 'unreached' : 'maybe';
}

export const RESEND_MARK = '【重发】';

/** Marks a message's content as a re-send, so a rare duplicate is visibly one. */
export function markResend(msgType: string, content: string): string {
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return content;
  }
  if (msgType === 'text' && typeof c.text === 'string')
    return JSON.stringify({ ...c, text: `${RESEND_MARK}\n${c.text}` });
  if (msgType === 'interactive') {
    const tag = { tag: 'text_tag', text: { tag: 'plain_text', content: '重发' }, color: 'orange' };
    const header = c.header as Record<string, unknown> | undefined;
    if (header && typeof header === 'object') {
      const tags = Array.isArray(header.text_tag_list) ? header.text_tag_list : [];
      return JSON.stringify({ ...c, header: { ...header, text_tag_list: [tag, ...tags].slice(0, 3) } });
    }
    const body = (c.body ?? {}) as { elements?: unknown[] };
    const elements = [{ tag: 'markdown', content: `**${RESEND_MARK}**` }, ...(body.elements ?? [])];
    return JSON.stringify({ ...c, body: { ...body, elements } });
  }
  if (msgType === 'post') {
    const out: Record<string, unknown> = {};
    for (const [lang, v] of Object.entries(c)) {
      const p = v as { title?: string };
      out[lang] = p && typeof p === 'object' ? { ...p, title: `${RESEND_MARK}${p.title ?? ''}` } : v;
    }
    return JSON.stringify(out);
  }
  return content;
}

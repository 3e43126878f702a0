import type { Context } from 'hono';
import { z } from 'zod';
import { Envelope, UrlVerification } from '../lark/payloads.js';
import { type IntakeKeys, openLarkBody, safeEqual } from '../lark/verify.js';
import type { Env } from './app-env.js';

export type Opened =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'envelope'; envelope: Envelope }
  | { kind: 'refused'; status: 400 | 401; reason: string };

/**
 * Verify, decrypt, parse, then check the verification token (the SDK never compares it).
 * A refused request leaves no trace, so a later genuine delivery is not taken for a duplicate.
 */
export async function openRequest(c: Context, keys: IntakeKeys, nowMs: number): Promise<Opened> {
  const raw = await c.req.text();
  const opened = openLarkBody(
    raw,
    {
      timestamp: c.req.header('x-lark-request-timestamp'),
      nonce: c.req.header('x-lark-request-nonce'),
      signature: c.req.header('x-lark-signature'),
    },
    keys,
    nowMs,
  );
  if (!opened.ok) return { kind: 'refused', status: opened.refusal.status, reason: opened.refusal.reason };
  const tokenOk = (t: string | undefined) =>
    !keys.verificationToken || (t !== undefined && safeEqual(t, keys.verificationToken));
  const challenge = UrlVerification.safeParse(opened.value);
  if (challenge.success) {
    if (!tokenOk(challenge.data.token)) return { kind: 'refused', status: 401, reason: 'bad_token' };
    return { kind: 'challenge', challenge: challenge.data.challenge };
  }
  const env = Envelope.safeParse(opened.value);
  if (!env.success)
    return {
      kind: 'refused',
      status: 400,
      reason: `bad_payload: ${z.prettifyError(env.error).slice(0, 200)}`,
    };
  if (!tokenOk(env.data.header.token)) return { kind: 'refused', status: 401, reason: 'bad_token' };
  return { kind: 'envelope', envelope: env.data };
}

/**
 * The first steps of both Lark routes: a refused request or the url_verification challenge is
 * answered here (`answer`); an envelope comes back with its event id recorded for the log.
 */
export async function openLarkRequest(
  c: Context<Env>,
  keys: IntakeKeys,
  o: { challengeOutcome?: string } = {},
): Promise<{ answer: Response } | { envelope: Envelope }> {
  const opened = await openRequest(c, keys, Date.now());
  if (opened.kind === 'refused') {
    c.set('outcome', `refused:${opened.reason}`);
    return { answer: c.json({ msg: 'refused' }, opened.status) };
  }
  if (opened.kind === 'challenge') {
    if (o.challengeOutcome) c.set('outcome', o.challengeOutcome);
    return { answer: c.json({ challenge: opened.challenge }) };
  }
  c.set('eventId', opened.envelope.header.event_id);
  return { envelope: opened.envelope };
}

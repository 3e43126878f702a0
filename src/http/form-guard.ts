import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { lt } from 'drizzle-orm';
import { formTokens } from '../../db/schema/index.js';
import type { Conn } from '../db.js';
import { type DomainError, invalid, rateLimited } from '../domain/errors.js';
import { takeHit } from '../services/rate-windows.js';

/**
 * The web form's flood guard, shared by every instance through the database: a signed
 * single-use token (issued ≥ 3 s and ≤ 2 h before submitting) and an app-wide cap per minute.
 * The signing key is derived from APP_SECRET_KEY (never stored); the spent-token table keeps
 * the random nonce and the hour it expires, nothing else (docs/decisions/0008-input-guards.md).
 */
const MIN_AGE_MS = 3000;
const MAX_AGE_MS = 2 * 3600_000;
const HOUR = 3600_000;
export const FORM_PER_MINUTE = 30;

export const STALE = '表单已失效，请刷新页面后重新填写。';
export const BUSY = '当前提交人数较多，您填写的内容已保留，请一分钟后再次提交。';

export class FormGuard {
  private readonly key: Buffer;

  constructor(appSecretKey: string | undefined) {
    // Without APP_SECRET_KEY (only in ad-hoc tools) tokens work within this process alone.
    this.key = appSecretKey
      ? createHmac('sha256', appSecretKey).update('duban:feedback-form-token').digest()
      : randomBytes(32);
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }

  issue(now: number): string {
    const body = `${now}.${randomBytes(12).toString('base64url')}`;
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /**
   * Checks and spends a token (in the caller's transaction); returns the refusal when refused:
   * rate_limited when the minute's cap is reached, invalid for a bad, early, late or spent token.
   */
  async accept(tx: Conn, token: string, now: Date): Promise<DomainError | undefined> {
    const [ts, nonce, mac] = token.split('.');
    if (!ts || !nonce || !mac) return invalid(STALE);
    const got = Buffer.from(mac, 'base64url');
    const expected = this.mac(`${ts}.${nonce}`);
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) return invalid(STALE);
    const age = now.getTime() - Number(ts);
    if (age < MIN_AGE_MS) return invalid('提交过快，请稍候再提交。');
    if (age > MAX_AGE_MS) return invalid('表单已过期，请刷新页面后重新填写。');
    if (!(await takeHit(tx, { scope: 'feedback-form', windowMs: 60_000, cap: FORM_PER_MINUTE }, now)))
      return rateLimited(BUSY);
    // The hour it expires, rounded up: enough to purge by, too coarse to date a submission.
    const expiresAt = new Date(Math.ceil((Number(ts) + MAX_AGE_MS) / HOUR) * HOUR);
    await tx.delete(formTokens).where(lt(formTokens.expiresAt, now));
    const spent = await tx
      .insert(formTokens)
      .values({ nonce, expiresAt })
      .onConflictDoNothing()
      .returning({ n: formTokens.nonce });
    if (!spent.length) return invalid('该表单已提交过，请勿重复提交。');
    return undefined;
  }
}

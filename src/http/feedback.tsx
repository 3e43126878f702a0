import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { AppDeps } from '../deps.js';
import { DomainError } from '../domain/errors.js';
import { cleanDeep } from '../domain/text.js';
import { FEEDBACK_MAX, lookupFeedback, submitFeedback } from '../services/feedback.js';

/**
 * GET/POST /feedback: the anonymous web form and receipt lookup. Floods and spam are held off
 * without knowing who anyone is: a signed single-use form token (issued ≥ 3 s and ≤ 2 h before
 * submitting), a honeypot field, and an app-wide cap per minute kept in memory. No IP address,
 * user agent or cookie is read, stored or logged.
 */
const MIN_AGE_MS = 3000;
const MAX_AGE_MS = 2 * 3600_000;
const PER_MINUTE = 30;

class FormGuard {
  private readonly secret = randomBytes(32);
  private readonly used = new Map<string, number>();
  private window: number[] = [];

  issue(now: number): string {
    const body = `${now}.${randomBytes(9).toString('base64url')}`;
    return `${body}.${createHmac('sha256', this.secret).update(body).digest('base64url')}`;
  }

  /** Checks and consumes a token; returns a reason when refused. */
  accept(token: string, now: number): string | undefined {
    const [ts, nonce, mac] = token.split('.');
    if (!ts || !nonce || !mac) return '表单已失效，请刷新页面后重新填写。';
    const expected = createHmac('sha256', this.secret).update(`${ts}.${nonce}`).digest();
    const got = Buffer.from(mac, 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected))
      return '表单已失效，请刷新页面后重新填写。';
    const age = now - Number(ts);
    if (age < MIN_AGE_MS) return '提交过快，请稍候再提交。';
    if (age > MAX_AGE_MS) return '表单已过期，请刷新页面后重新填写。';
    if (this.used.has(nonce)) return '该表单已提交过，请勿重复提交。';
    this.window = this.window.filter((t) => t > now - 60_000);
    if (this.window.length >= PER_MINUTE) return '当前提交人数较多，请一分钟后再试。';
    this.window.push(now);
    this.used.set(nonce, now);
    for (const [k, t] of this.used) if (t < now - MAX_AGE_MS) this.used.delete(k);
    return undefined;
  }
}

const Page: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="zh-CN">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>{title}</title>
      <style>{`body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:40rem;margin:0 auto;padding:1rem;line-height:1.6;color:#1f2329}
h1{font-size:1.4rem}textarea,input{width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem;border:1px solid #bbb;border-radius:4px}
button{font-size:1rem;padding:.6rem 1.4rem;margin-top:.6rem;background:#3370ff;color:#fff;border:0;border-radius:4px}
.note{color:#646a73;font-size:.9rem}.box{border:1px solid #dee0e3;border-radius:6px;padding:1rem;margin:1rem 0}.code{font-size:1.5rem;font-weight:bold;letter-spacing:.1rem}
.hp{position:absolute;left:-9999px}.err{color:#d83931}`}</style>
    </head>
    <body>{children}</body>
  </html>
);

const Form: FC<{ token: string; error?: string; text?: string }> = ({ token, error, text }) => (
  <Page title="优化营商环境 · 匿名反馈">
    <h1>优化营商环境 · 匿名反馈</h1>
    <p class="note">
      欢迎反映营商环境方面的问题和建议。本页面不记录您的姓名、IP
      地址或设备信息，提交后将显示回执码，可凭回执码查询办理情况。
    </p>
    {error ? <p class="err">{error}</p> : null}
    <form method="post" action="/feedback" class="box">
      <input type="hidden" name="action" value="submit" />
      <input type="hidden" name="token" value={token} />
      <label class="hp">
        请勿填写 <input name="website" tabindex={-1} autocomplete="off" />
      </label>
      <label for="text">反馈内容（{FEEDBACK_MAX} 字以内）</label>
      <textarea id="text" name="text" rows={8} maxlength={FEEDBACK_MAX} required>
        {text ?? ''}
      </textarea>
      <button type="submit">提交</button>
    </form>
    <form method="post" action="/feedback" class="box">
      <input type="hidden" name="action" value="lookup" />
      <label for="code">凭回执码查询</label>
      <input id="code" name="code" placeholder="如 ABCD-EFGH-JKMN" />
      <button type="submit">查询</button>
    </form>
  </Page>
);

export function feedbackRoute(deps: AppDeps) {
  const app = new Hono();
  const guard = new FormGuard();
  const noStore = { 'cache-control': 'no-store' };
  app.get('/', (c) => c.html(<Form token={guard.issue(deps.clock().getTime())} />, 200, noStore));
  app.post('/', async (c) => {
    const body = cleanDeep(await c.req.parseBody().catch(() => ({}) as Record<string, unknown>));
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    if (field('action') === 'lookup') {
      let message: string;
      let status: 200 | 404 | 400 = 200;
      try {
        message = await lookupFeedback(deps.db, field('code'));
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        message = e.message;
        status = e.code === 'not_found' ? 404 : 400;
      }
      return c.html(
        <Page title="查询结果">
          <h1>查询结果</h1>
          <div class="box">{message}</div>
          <p>
            <a href="/feedback">返回</a>
          </p>
        </Page>,
        status,
        noStore,
      );
    }
    const text = field('text');
    if (field('website'))
      return c.html(
        <Form token={guard.issue(deps.clock().getTime())} error="提交未成功，请重试。" />,
        400,
        noStore,
      );
    const refused = guard.accept(field('token'), deps.clock().getTime());
    if (refused)
      return c.html(
        <Form token={guard.issue(deps.clock().getTime())} error={refused} text={text} />,
        refused.includes('较多') ? 429 : 400,
        noStore,
      );
    try {
      const { code } = await deps.db.transaction((tx) =>
        submitFeedback(tx, { text, now: deps.clock(), timezone: deps.config.timezone }),
      );
      return c.html(
        <Page title="提交成功">
          <h1>提交成功</h1>
          <div class="box">
            <p>您的匿名反馈已收到。回执码：</p>
            <p class="code">{code}</p>
            <p class="note">请截图或抄录保存。本页关闭后无法再次显示回执码。</p>
          </div>
          <p>
            <a href="/feedback">继续反馈或查询</a>
          </p>
        </Page>,
        200,
        noStore,
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return c.html(
        <Form token={guard.issue(deps.clock().getTime())} error={e.message} text={text} />,
        400,
        noStore,
      );
    }
  });
  return app;
}

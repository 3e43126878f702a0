import { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { AppDeps } from '../deps.js';
import { DomainError } from '../domain/errors.js';
import { RATING_LABEL, RATINGS } from '../domain/satisfaction.js';
import { cleanDeep } from '../domain/text.js';
import { toHttp } from '../present/index.js';
import { FEEDBACK_MAX } from '../services/feedback/common.js';
import { lookupFeedback } from '../services/feedback/read.js';
import { submitFeedback } from '../services/feedback/submit.js';
import { rateAnonymously } from '../services/revisits/rate-anonymously.js';
import { anonymousRevisitOpen } from '../services/revisits/read.js';
import { FormGuard } from './form-guard.js';
import { HtmlPage } from './html.js';

/**
 * GET/POST /feedback: the anonymous web form and receipt lookup. Floods and spam are held off
 * without knowing who anyone is: a signed single-use form token and an app-wide cap per minute,
 * both shared by every instance through the database (form-guard.ts), and a honeypot field.
 * No IP address, user agent or cookie is read, stored or logged.
 */

const CSS = `body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:40rem;margin:0 auto;padding:1rem;line-height:1.6;color:#1f2329}
h1{font-size:1.4rem}textarea,input{width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem;border:1px solid #bbb;border-radius:4px}
button{font-size:1rem;padding:.6rem 1.4rem;margin-top:.6rem;background:#3370ff;color:#fff;border:0;border-radius:4px}
.note{color:#646a73;font-size:.9rem}.box{border:1px solid #dee0e3;border-radius:6px;padding:1rem;margin:1rem 0}.code{font-size:1.5rem;font-weight:bold;letter-spacing:.1rem}
.hp{position:absolute;left:-9999px}.err{color:#d83931}`;

const Page: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <HtmlPage title={title} css={CSS}>
    {children}
  </HtmlPage>
);

const Form: FC<{ title: string; token: string; error?: string; text?: string }> = ({
  title,
  token,
  error,
  text,
}) => (
  <Page title={title}>
    <h1>{title}</h1>
    <p class="note">
      欢迎反映问题和建议。本页面不记录您的姓名、IP
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

/** 回访 on the lookup page: the receipt code travels in the body only, as for the lookup. */
const RateForm: FC<{ code: string }> = ({ code }) => (
  <form method="post" action="/feedback" class="box">
    <input type="hidden" name="action" value="rate" />
    <input type="hidden" name="code" value={code} />
    <p>请对办理结果作出评价（仅一次）：</p>
    {RATINGS.map((r) => (
      <label style="display:block">
        <input type="radio" name="rating" value={r} required style="width:auto" /> {RATING_LABEL[r]}
      </label>
    ))}
    <label for="comment">意见（可不填）</label>
    <textarea id="comment" name="comment" rows={3} maxlength={500} />
    <button type="submit">提交评价</button>
  </form>
);

const Answer: FC<{ title: string; message: string; code?: string }> = ({ title, message, code }) => (
  <Page title={title}>
    <h1>{title}</h1>
    <div class="box">{message}</div>
    {code ? <RateForm code={code} /> : null}
    <p>
      <a href="/feedback">返回</a>
    </p>
  </Page>
);

export function feedbackRoute(deps: AppDeps) {
  const app = new Hono();
  const guard = new FormGuard(deps.config.appSecretKey);
  const noStore = { 'cache-control': 'no-store' };
  app.get('/', (c) =>
    c.html(
      <Form title={deps.config.feedbackTitle} token={guard.issue(deps.clock().getTime())} />,
      200,
      noStore,
    ),
  );
  app.post('/', async (c) => {
    const body = cleanDeep(await c.req.parseBody().catch(() => ({}) as Record<string, unknown>));
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    if (field('action') === 'lookup' || field('action') === 'rate') {
      let message: string;
      let status: 200 | ReturnType<typeof toHttp>['status'] = 200;
      let rateWith: string | undefined;
      const now = deps.clock();
      try {
        if (field('action') === 'rate') {
          const rating = field('rating') as (typeof RATINGS)[number];
          await deps.db.transaction((tx) =>
            rateAnonymously(tx, {
              receiptCode: field('code'),
              rating,
              comment: field('comment'),
              now,
              timezone: deps.config.timezone,
            }),
          );
          message = `已收到您的评价：${RATING_LABEL[rating]}。感谢您的反馈。本页面不记录评价人身份。`;
        } else {
          message = await lookupFeedback(deps.db, field('code'), now);
          if (await anonymousRevisitOpen(deps.db, field('code'), now)) rateWith = field('code');
        }
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        const answer = toHttp(e);
        status = answer.status;
        message = answer.body.msg;
      }
      return c.html(<Answer title="查询结果" message={message} code={rateWith} />, status, noStore);
    }
    const text = field('text');
    if (field('website'))
      return c.html(
        <Form
          title={deps.config.feedbackTitle}
          token={guard.issue(deps.clock().getTime())}
          error="提交未成功，请重试。"
        />,
        400,
        noStore,
      );
    try {
      const { code } = await deps.db.transaction(async (tx) => {
        // A refused token is thrown inside the transaction so nothing it counted is kept.
        const refused = await guard.accept(tx, field('token'), deps.clock());
        if (refused) throw refused;
        return submitFeedback(tx, { text, now: deps.clock(), timezone: deps.config.timezone });
      });
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
      // Too many at once (the minute's cap, or a full queue) is rate_limited, a 429; the text is
      // kept for the retry.
      const { status, body: answer } = toHttp(e);
      return c.html(
        <Form
          title={deps.config.feedbackTitle}
          token={guard.issue(deps.clock().getTime())}
          error={answer.msg}
          text={text}
        />,
        status,
        noStore,
      );
    }
  });
  return app;
}

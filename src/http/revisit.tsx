import { type Context, Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import type { AppDeps } from '../deps.js';
import { DomainError } from '../domain/errors.js';
import { RATING_LABEL, RATINGS } from '../domain/satisfaction.js';
import { cleanDeep } from '../domain/text.js';
import { toHttp } from '../present/index.js';
import {
  checkRevisitCode,
  countWrongRevisitCode,
  rateByCode,
  revisitGuessingAllowed,
} from '../services/revisits/rate-by-code.js';
import { HtmlPage } from './html.js';

/**
 * GET/POST /revisit: 回访 for a 人大代表 outside Lark, with the one-time code staff passed on.
 * Step 1 asks for the code, step 2 shows the problem and the three ratings, the submit spends the
 * code (rateByCode). The code travels in the body only, never the URL, and is never logged.
 */

const CSS = `body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC",sans-serif;max-width:40rem;margin:0 auto;padding:1rem;line-height:1.6;color:#1f2329}
h1{font-size:1.4rem}textarea,input[type=text]{width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem;border:1px solid #bbb;border-radius:4px}
button{font-size:1rem;padding:.6rem 1.4rem;margin-top:.6rem;background:#3370ff;color:#fff;border:0;border-radius:4px}
.box{border:1px solid #dee0e3;border-radius:6px;padding:1rem;margin:1rem 0}.err{color:#d83931}.ok{color:#0c6b34}label.r{display:block;padding:.3rem 0}`;

const Page: FC<{ children?: Child }> = ({ children }) => (
  <HtmlPage title="办理结果回访" css={CSS}>
    <h1>办理结果回访</h1>
    {children}
  </HtmlPage>
);

const CodeForm: FC<{ error?: string }> = ({ error }) => (
  <Page>
    {error ? <p class="err">{error}</p> : null}
    <form method="post" action="/revisit" class="box">
      <input type="hidden" name="step" value="code" />
      <label for="code">请输入工作人员转交给您的回访码（10 位，字母不分大小写）：</label>
      <input
        type="text"
        id="code"
        name="code"
        required
        autocomplete="off"
        maxlength={16}
        placeholder="如 ABCDE-FGHJK"
      />
      <button type="submit">下一步</button>
    </form>
  </Page>
);

const RateForm: FC<{ code: string; subject: { code: string; title: string; unitName: string } }> = (o) => (
  <Page>
    <div class="box">
      <p>
        {o.subject.code}「{o.subject.title}」已办结（牵头单位：{o.subject.unitName}
        ）。请对办理结果作出评价。每个回访码只能使用一次。
      </p>
      <form method="post" action="/revisit">
        <input type="hidden" name="step" value="rate" />
        <input type="hidden" name="code" value={o.code} />
        {RATINGS.map((r) => (
          <label class="r">
            <input type="radio" name="rating" value={r} required /> {RATING_LABEL[r]}
          </label>
        ))}
        <label for="comment">意见（可不填）</label>
        <textarea id="comment" name="comment" rows={3} maxlength={500} />
        <button type="submit">提交评价</button>
      </form>
    </div>
  </Page>
);

function secure(c: Context) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
}

export function revisitRoute(deps: AppDeps) {
  const app = new Hono();
  app.get('/', (c) => {
    secure(c);
    return c.html(<CodeForm />);
  });
  app.post('/', async (c) => {
    secure(c);
    const body = cleanDeep(await c.req.parseBody().catch(() => ({}) as Record<string, unknown>));
    const field = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const code = field('code').trim();
    const now = deps.clock();
    const key = deps.config.appSecretKey;
    if (!(await revisitGuessingAllowed(deps.db, now)))
      return c.html(<CodeForm error="尝试次数过多，请 10 分钟后再试。" />, 429);
    const refuse = async (e: DomainError) => {
      if (e.code === 'not_found') await countWrongRevisitCode(deps.db, now);
      const { status, body: answer } = toHttp(e);
      return c.html(<CodeForm error={answer.msg} />, status);
    };
    try {
      if (field('step') !== 'rate')
        return c.html(<RateForm code={code} subject={await checkRevisitCode(deps.db, code, now, key)} />);
      const rating = field('rating');
      const r = await deps.db.transaction((tx) =>
        rateByCode(tx, { code, rating, comment: field('comment'), now, timezone: deps.config.timezone, key }),
      );
      return c.html(
        <Page>
          <p class="ok">
            已收到您对 {r.code} 的评价：{RATING_LABEL[r.revisit.rating as (typeof RATINGS)[number]]}
            。感谢您的反馈，本回访码已失效。
          </p>
        </Page>,
      );
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return refuse(e);
    }
  });
  return app;
}

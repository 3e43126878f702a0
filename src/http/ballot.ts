import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { SECRECY_NOTE, unitField } from '../../cards/ballot.js';
import type { AppDeps } from '../deps.js';
import { formatInstantCn } from '../domain/dates.js';
import { DomainError } from '../domain/errors.js';
import { CHOICE_LABEL, CHOICES } from '../domain/tally.js';
import { cleanDeep } from '../domain/text.js';
import { toHttp } from '../present/index.js';
import { castCodeBallot } from '../services/evaluation/cast-code-ballot.js';
import { checkCode } from '../services/evaluation/check-code.js';
import { countWrongGuess, guessingAllowed } from '../services/evaluation/codes.js';
import { openEvaluations } from '../services/evaluation/common.js';

/**
 * GET/POST /ballot: the web ballot for voters outside the tenant, with a one-time code. Plain
 * HTML forms, no script, no cookies: step 1 asks for the code, step 2 shows the same units and
 * choices as the chat ballot, the submit casts it (castCodeBallot). The code is sent in the body
 * only (never the URL, which lands in logs and history) and never logged.
 */

type Html = ReturnType<typeof html>;

const STYLE = `
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f7;color:#1f2329;font-size:17px;line-height:1.6}
main{max-width:560px;margin:0 auto;padding:16px}
h1{font-size:21px;margin:8px 0 12px}
.box{background:#fff;border-radius:8px;padding:16px;margin:12px 0}
fieldset{border:1px solid #dee0e3;border-radius:8px;margin:12px 0;padding:8px 12px}
legend{font-weight:600;padding:0 4px}
label.choice{display:block;padding:10px 4px;border-bottom:1px solid #f0f1f2}
label.choice:last-child{border-bottom:0}
input[type=radio]{transform:scale(1.3);margin-right:10px}
input[type=text]{width:100%;box-sizing:border-box;font-size:20px;padding:10px;letter-spacing:2px;text-transform:uppercase;border:1px solid #c9cdd4;border-radius:6px}
button{width:100%;font-size:18px;padding:12px;border:0;border-radius:6px;background:#3370ff;color:#fff;margin-top:12px}
.msg{padding:12px;border-radius:6px;margin:12px 0}
.error{background:#fdeceb;color:#a8071a}
.ok{background:#e8f7ee;color:#0c6b34}
.note{color:#646a73;font-size:14px}
`;

function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>${title}</h1>
${body}
<p class="note">${SECRECY_NOTE}</p>
</main></body>
</html>`;
}

const message = (text: string | undefined, kind: 'error' | 'ok' = 'error') =>
  text ? html`<div class="msg ${kind}" role="alert">${text}</div>` : '';

function codeForm(error?: string, open = true): Html {
  return page(
    '满意度测评 · 投票',
    html`${message(error)}
<div class="box">
${open ? '' : html`<p>目前没有进行中的满意度测评。</p>`}
<form method="post" action="">
<input type="hidden" name="step" value="code">
<p><label for="code">请输入工作人员发给您的投票码（10 位，字母不分大小写）：</label></p>
<input type="text" id="code" name="code" required autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16" placeholder="如 ABCDE-FGHJK">
<button type="submit">下一步</button>
</form>
</div>`,
  );
}

function ballotForm(o: {
  code: string;
  name: string;
  closesAt: Date | null;
  timezone: string;
  units: { id: number; name: string }[];
  chosen?: Record<string, unknown>;
  error?: string;
}): Html {
  const fieldsets = o.units.map(
    (u, i) => html`<fieldset>
<legend>${i + 1}. ${u.name}</legend>
${CHOICES.map(
  (c) =>
    html`<label class="choice"><input type="radio" name="${unitField(u.id)}" value="${c}" required${o.chosen?.[unitField(u.id)] === c ? html` checked` : ''}>${CHOICE_LABEL[c]}</label>`,
)}
</fieldset>`,
  );
  return page(
    '满意度测评 · 选票',
    html`${message(o.error)}
<div class="box">
<p>${o.name}：请对以下 ${o.units.length} 个评议对象分别作出评价，全部选择后提交。每个投票码只能提交一次，提交后不能更改。</p>
${o.closesAt ? html`<p>截止时间：${formatInstantCn(o.closesAt, o.timezone)}</p>` : ''}
<form method="post" action="">
<input type="hidden" name="step" value="vote">
<input type="hidden" name="code" value="${o.code}">
${fieldsets}
<button type="submit">提交</button>
</form>
</div>`,
  );
}

const done = () =>
  page(
    '满意度测评 · 投票成功',
    html`${message('投票成功，感谢参与！您的选票已计入，本投票码已失效。', 'ok')}`,
  );

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function secure(c: Context) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  );
}

export function ballotRoute(deps: AppDeps) {
  const app = new Hono();
  const tz = deps.config.timezone;

  app.get('/', async (c) => {
    secure(c);
    return c.html(codeForm(undefined, (await openEvaluations(deps.db)).length > 0));
  });

  app.post('/', async (c) => {
    secure(c);
    const body = cleanDeep(await c.req.parseBody());
    const code = str(body.code).trim();
    const form: Record<string, unknown> = Object.fromEntries(
      Object.entries(body).filter(([k]) => /^u_\d+$/.test(k)),
    );
    const now = deps.clock();
    const key = deps.config.appSecretKey;
    // Guessing is bounded app-wide: once the window's wrong codes are used up, every check waits.
    if (!(await guessingAllowed(deps.db, now)))
      return c.html(codeForm('尝试次数过多，请 10 分钟后再试。'), 429);
    const refuse = async (e: DomainError) => {
      if (e.code === 'not_found') await countWrongGuess(deps.db, now);
      const { status, body } = toHttp(e);
      return c.html(codeForm(body.msg), status);
    };
    if (str(body.step) !== 'vote') {
      try {
        const { evaluation, units } = await checkCode(deps.db, code, now, tz, key);
        return c.html(
          ballotForm({ code, name: evaluation.name, closesAt: evaluation.closesAt, timezone: tz, units }),
        );
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        return refuse(e);
      }
    }
    try {
      await deps.db.transaction((tx) => castCodeBallot(tx, { code, form, now, timezone: tz, key }));
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      if (e.code === 'invalid') {
        // An incomplete ballot: show it again with what was chosen, if the code still works.
        const again = await checkCode(deps.db, code, now, tz, key).catch(() => undefined);
        if (again)
          return c.html(
            ballotForm({
              code,
              name: again.evaluation.name,
              closesAt: again.evaluation.closesAt,
              timezone: tz,
              units: again.units,
              chosen: form,
              error: e.message,
            }),
            400,
          );
      }
      return refuse(e);
    }
    return c.html(done());
  });
  return app;
}

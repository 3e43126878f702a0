import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Bodies are refused with 413 before they are read whole: by Content-Length when sent, else
 * while streaming. Lark's largest callback (a card with a form) is a few KB; 1 MB leaves room.
 * The web forms carry at most 5,000 characters of text.
 */
export const LARK_BODY_MAX = 1024 * 1024;
export const FORM_BODY_MAX = 64 * 1024;

/** The rest of the body is never read, so the connection cannot be reused. */
const CLOSE = { connection: 'close' };

export const larkBodyLimit = (): MiddlewareHandler =>
  bodyLimit({
    maxSize: LARK_BODY_MAX,
    onError: (c) => c.json({ msg: 'payload too large' }, 413, CLOSE),
  });

const TOO_LARGE_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>提交的内容过大</title></head>
<body><h1>提交的内容过大</h1><p>提交的内容超过 64 KB，未予受理。请精简后返回上一页重新提交。</p></body></html>`;

export const formBodyLimit = (): MiddlewareHandler =>
  bodyLimit({
    maxSize: FORM_BODY_MAX,
    onError: (c) => c.html(TOO_LARGE_PAGE, 413, { 'cache-control': 'no-store', ...CLOSE }),
  });

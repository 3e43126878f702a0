/** The fake's HTTP side: routing, tenant-token auth, request recording, scripted failures and hangs. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { batchGetId, getUser } from './fake-lark-contact.js';
import {
  type Ctx,
  type FakeState,
  fail,
  matches,
  parseJson,
  parseMultipart,
  type Reply,
  rnd,
  str,
} from './fake-lark-core.js';
import { addMembers, createChat, uploadFile, uploadImage } from './fake-lark-files.js';
import { botInfo, cardUpdate, patch, reply, resource, send, urgent } from './fake-lark-im.js';
import { createTask, deleteTask, patchTask, taskMembers } from './fake-lark-tasks.js';
import { LarkCodes } from './fake-lark-types.js';

// Paths below are relative to /open-apis; all need a tenant token.
const routes: [string, RegExp, (s: FakeState, ctx: Ctx) => Reply][] = [
  ['GET', /^\/bot\/v3\/info$/, botInfo],
  ['POST', /^\/im\/v1\/messages$/, send],
  ['POST', /^\/im\/v1\/messages\/([^/]+)\/reply$/, reply],
  ['PATCH', /^\/im\/v1\/messages\/([^/]+)\/urgent_(app|sms)$/, urgent],
  ['PATCH', /^\/im\/v1\/messages\/([^/]+)$/, patch],
  ['GET', /^\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/, resource],
  ['POST', /^\/interactive\/v1\/card\/update$/, cardUpdate],
  ['POST', /^\/im\/v1\/files$/, uploadFile],
  ['POST', /^\/im\/v1\/images$/, uploadImage],
  ['POST', /^\/contact\/v3\/users\/batch_get_id$/, batchGetId],
  ['GET', /^\/contact\/v3\/users\/([^/]+)$/, getUser],
  ['POST', /^\/im\/v1\/chats$/, createChat],
  ['POST', /^\/im\/v1\/chats\/([^/]+)\/members$/, addMembers],
  ['POST', /^\/task\/v2\/tasks$/, createTask],
  ['PATCH', /^\/task\/v2\/tasks\/([^/]+)$/, patchTask],
  ['DELETE', /^\/task\/v2\/tasks\/([^/]+)$/, deleteTask],
  ['POST', /^\/task\/v2\/tasks\/([^/]+)\/(add|remove)_members$/, taskMembers],
];

function tokenEndpoint(s: FakeState, ctx: Ctx): Reply {
  // Not wrapped in `data`. A wrong secret is answered with HTTP 200 + code 10014 (observed on real Lark).
  if (ctx.json.app_id !== s.fake.appId || ctx.json.app_secret !== s.fake.appSecret)
    return fail(LarkCodes.appSecretInvalid, 'app secret invalid', 200);
  const token = `t-${rnd(16)}`;
  s.tokens.set(token, Date.now() + s.tokenExpire * 1000);
  return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire: s.tokenExpire } };
}

function handle(s: FakeState, method: string, path: string, ctx: Ctx): Reply {
  const key = `${method} ${path}`;
  const f = s.failures.find((x) => x.left > 0 && matches(x.match, key));
  if (f) {
    f.left--;
    return { status: f.res.status, body: f.res.body, headers: f.res.headers };
  }
  if (method === 'POST' && path === '/callback/ws/endpoint') return s.fake.ws.endpoint(ctx.json);
  if (!path.startsWith('/open-apis/')) return fail(404, 'not found', 404);
  const sub = path.slice('/open-apis'.length);
  if (method === 'POST' && sub === '/auth/v3/tenant_access_token/internal') return tokenEndpoint(s, ctx);
  for (const [m, re, fn] of routes) {
    const hit = m === method ? re.exec(sub) : null;
    if (!hit) continue;
    const auth = /^Bearer (.+)$/.exec(String(ctx.headers.authorization ?? ''))?.[1];
    if (!auth)
      return fail(
        LarkCodes.missingToken,
        'Missing access token for authorization. Please make a request with token attached.',
      );
    const exp = s.tokens.get(auth);
    if (exp === undefined || exp <= Date.now())
      return fail(
        LarkCodes.invalidToken,
        'Invalid access token for authorization. Please make a request with token attached.',
      );
    return fn(s, { ...ctx, params: hit.slice(1).map(decodeURIComponent) });
  }
  return fail(404, 'not found', 404);
}

/** The recorded body: JSON parsed, multipart summarised (file parts as their size). */
function recordedBody(raw: Buffer, ct: string): unknown {
  // The SDK sends GETs with a JSON body `{}`; it is parsed and simply ignored by GET routes.
  const parsed =
    raw.length > 0 && ct.includes('json') ? parseJson(raw.toString('utf8')) : { ok: false as const };
  let body: unknown = parsed.ok ? parsed.value : undefined;
  if (ct.startsWith('multipart/form-data')) {
    body = Object.fromEntries(
      [...parseMultipart(raw, ct)].map(([k, p]) => [
        k,
        p.filename !== undefined || k === 'file' || k === 'image'
          ? `<${p.data.length} bytes>`
          : p.data.toString('utf8'),
      ]),
    );
  }
  return body;
}

/** True when the request is to be left unanswered (a hang, or a held receiver). */
function held(s: FakeState, method: string, u: URL, ctx: Ctx): boolean {
  const key = `${method} ${u.pathname}`;
  const h = s.hangs.find((x) => x.left > 0 && matches(x.match, key));
  if (h) {
    h.left--;
    return true; // the socket stays open until the client gives up or close() destroys it
  }
  const hold =
    s.hung.get(str(ctx.json.receive_id) ?? '') ??
    s.hung.get(s.inbound.get(u.pathname.split('/')[5] ?? '') ?? '');
  if (hold && hold.left > 0 && method === 'POST' && u.pathname.startsWith('/open-apis/im/v1/messages')) {
    hold.left--;
    if (hold.accept) handle(s, method, u.pathname, ctx);
    return true; // no answer, socket left open
  }
  return false;
}

function onRequest(s: FakeState, req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const u = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const body = recordedBody(raw, String(req.headers['content-type'] ?? ''));
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
  );
  s.fake.requests.push({
    method,
    path: u.pathname,
    query: Object.fromEntries(u.searchParams),
    headers,
    body,
    at: Date.now(),
  });
  const json =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const ctx: Ctx = { method, query: u.searchParams, headers: req.headers, raw, json, params: [] };
  if (held(s, method, u, ctx)) return;
  let out: Reply;
  try {
    out = handle(s, method, u.pathname, ctx);
  } catch (e) {
    out = { status: 500, body: { code: 500, msg: `fake-lark crashed: ${String(e)}` } };
  }
  const payload =
    out.raw ?? Buffer.from(typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {}));
  res.writeHead(out.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-tt-logid': rnd(10),
    'content-length': String(payload.length),
    ...out.headers,
  });
  res.end(payload);
}

export function createFakeServer(s: FakeState): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => onRequest(s, req, res, Buffer.concat(chunks)));
  });
}

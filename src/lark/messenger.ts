import * as lark from '@larksuiteoapi/node-sdk';
import { PERMANENT_CODES } from '../outbox/failure-labels.js';
import { deliverTask } from './tasks.js';

/** A row of the outbox as the messenger needs it. */
export interface Outgoing {
  id: string;
  kind: string;
  receiveIdType: string | null;
  receiveId: string | null;
  targetMessageId: string | null;
  msgType: string;
  content: string;
  attachment: string | null;
  attachmentName: string | null;
  /** Anonymous receipts: the receiver must never be logged. */
  eraseReceiver: boolean;
}

export type DeliveryOutcome =
  | { ok: true; messageId?: string; local?: boolean }
  | { ok: false; retry: true; waitMs?: number; code?: number; error: string }
  | { ok: false; retry: false; code?: number; error: string; expired?: boolean };

/** Sends one outbox row to Lark. Implementations classify failures; the dispatcher decides what to do. */
export interface Messenger {
  deliver(m: Outgoing): Promise<DeliveryOutcome>;
}

/** A patch refused because the card is older than Lark's 14-day window, or recalled. */
const EXPIRED_PATCH_CODES = new Set([230031, 230032, 230054, 230110]);

interface AxiosLikeError {
  response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, string> };
  code?: string;
  message?: string;
}

/** Maps an SDK failure (thrown AxiosError, or a 200 with code≠0) to a delivery outcome. */
export function classifyLarkError(e: unknown, kind: string): DeliveryOutcome {
  const err = e as AxiosLikeError;
  const status = err.response?.status;
  const code = err.response?.data?.code;
  const msg = err.response?.data?.msg ?? err.message ?? String(e);
  if (status === 429 || code === 99991400 || code === 230020) {
    const reset = Number(err.response?.headers?.['x-ogw-ratelimit-reset']);
    return {
      ok: false,
      retry: true,
      code,
      waitMs: Number.isFinite(reset) && reset > 0 ? reset * 1000 : 1000,
      error: msg,
    };
  }
  if (status === undefined || status >= 500) return { ok: false, retry: true, code, error: msg };
  if (code === 99991663 || code === 99991661 || code === 99991671)
    return { ok: false, retry: true, code, error: msg };
  if (kind === 'patch' && code !== undefined && EXPIRED_PATCH_CODES.has(code)) {
    return { ok: false, retry: false, code, error: msg, expired: true };
  }
  return {
    ok: false,
    retry: false,
    code,
    error: code && PERMANENT_CODES[code] ? PERMANENT_CODES[code] : msg,
  };
}

type Resp =
  | { code?: number; msg?: string; data?: { message_id?: string; file_key?: string } }
  | null
  | undefined;

function checkCode(r: { code?: number; msg?: string } | null | undefined): void {
  if (r && typeof r.code === 'number' && r.code !== 0) {
    throw { response: { status: 200, data: { code: r.code, msg: r.msg } } } satisfies AxiosLikeError;
  }
}

/** The SDK logs every failed call itself; we classify failures and log them once, so its lines go to debug. */
function sdkLogger(log?: { debug: (o: object, m: string) => void }) {
  const out = (...args: unknown[]) =>
    log?.debug(
      {
        sdk: args.map((a) =>
          a instanceof Error ? a.message : typeof a === 'object' ? '[object]' : String(a),
        ),
      },
      'lark sdk',
    );
  return { error: out, warn: out, info: out, debug: out, trace: out };
}

/** Lark's calls answer in well under a second; one that takes this long is treated as lost. */
export const LARK_TIMEOUT_MS = 10_000;

/**
 * The SDK's own axios instance with a deadline on every call: `timeout` aborts a socket that stays
 * silent, the signal bounds a call that trickles. Both fail without a response, which
 * classifyLarkError treats as retryable (docs/decisions/0006-network.md).
 */
export function timedHttp(timeoutMs: number): lark.HttpInstance {
  // Its response interceptor already unwraps `data`, as HttpInstance promises.
  const base = lark.defaultHttpInstance as unknown as lark.HttpInstance;
  const opts = <D>(o?: lark.HttpRequestOptions<D>) =>
    ({ timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs * 3), ...o }) as lark.HttpRequestOptions<D>;
  return {
    request: (o) => base.request(opts(o)),
    get: (url, o) => base.get(url, opts(o)),
    delete: (url, o) => base.delete(url, opts(o)),
    head: (url, o) => base.head(url, opts(o)),
    options: (url, o) => base.options(url, opts(o)),
    post: (url, data, o) => base.post(url, data, opts(o)),
    put: (url, data, o) => base.put(url, data, opts(o)),
    patch: (url, data, o) => base.patch(url, data, opts(o)),
  };
}

export function createLarkClient(opts: {
  appId: string;
  appSecret: string;
  baseUrl: string;
  cache?: lark.Cache;
  log?: { debug: (o: object, m: string) => void };
  /** Per-call deadline (default LARK_TIMEOUT_MS); tests scale it down. */
  timeoutMs?: number;
}) {
  return new lark.Client({
    httpInstance: timedHttp(opts.timeoutMs ?? LARK_TIMEOUT_MS),
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: opts.baseUrl,
    appType: lark.AppType.SelfBuild,
    // fatal (0) is treated as "unset" by the SDK and falls back to info (docs/lark.md §6).
    loggerLevel: lark.LoggerLevel.error,
    logger: sdkLogger(opts.log),
    ...(opts.cache ? { cache: opts.cache } : {}),
  });
}

/** Delivers through the official SDK. The outbox row id is Lark's uuid: a retry within an hour never makes a second message. */
export class LarkMessenger implements Messenger {
  constructor(private readonly client: lark.Client) {}

  async deliver(m: Outgoing): Promise<DeliveryOutcome> {
    try {
      switch (m.kind) {
        case 'send':
        case 'reply':
        case 'upload_file': {
          let msgType = m.msgType;
          let content = m.content;
          if (m.kind === 'upload_file') {
            const fileKey = await this.upload(m);
            msgType = 'file';
            content = JSON.stringify({ file_key: fileKey });
          }
          const r: Resp = m.targetMessageId
            ? await this.client.im.message.reply({
                path: { message_id: m.targetMessageId },
                data: { msg_type: msgType, content, uuid: m.id },
              })
            : await this.client.im.message.create({
                params: { receive_id_type: (m.receiveIdType ?? 'open_id') as 'open_id' },
                data: { receive_id: m.receiveId ?? '', msg_type: msgType, content, uuid: m.id },
              });
          checkCode(r);
          return { ok: true, messageId: r?.data?.message_id };
        }
        case 'patch': {
          const r: Resp = await this.client.im.message.patch({
            path: { message_id: m.targetMessageId ?? '' },
            data: { content: m.content },
          });
          checkCode(r);
          return { ok: true };
        }
        case 'urgent_app':
        case 'urgent_sms': {
          // 加急 on a bot message already sent (docs/lark.md): the receiver must be in its chat.
          const payload = {
            path: { message_id: m.targetMessageId ?? '' },
            params: { user_id_type: 'open_id' as const },
            data: { user_id_list: [m.receiveId ?? ''] },
          };
          const r =
            m.kind === 'urgent_app'
              ? await this.client.im.message.urgentApp(payload)
              : await this.client.im.message.urgentSms(payload);
          checkCode(r);
          if (r?.data?.invalid_user_id_list?.length)
            return { ok: false, retry: false, error: '加急对象无效（不在该消息所在会话中）' };
          return { ok: true };
        }
        case 'task_create':
        case 'task_patch':
        case 'task_delete':
        case 'task_add_members':
        case 'task_remove_members': {
          const r = await deliverTask(this.client, m);
          checkCode(r);
          if (m.kind !== 'task_create') return { ok: true };
          const guid = r?.data?.task?.guid;
          if (!guid) return { ok: false, retry: false, error: '飞书任务创建未返回任务 ID' };
          return { ok: true, messageId: guid };
        }
        case 'card_update': {
          // Delayed update by callback token: no typed SDK method (docs/lark.md §4).
          const r: Resp = await this.client.request({
            method: 'POST',
            url: '/open-apis/interactive/v1/card/update',
            data: { token: m.receiveId, card: JSON.parse(m.content) },
          });
          checkCode(r);
          return { ok: true };
        }
        default:
          return { ok: false, retry: false, error: `unknown outbox kind ${m.kind}` };
      }
    } catch (e) {
      return classifyLarkError(e, m.kind);
    }
  }

  private async upload(m: Outgoing): Promise<string> {
    const name = m.attachmentName ?? 'file';
    const ext = name.split('.').pop()?.toLowerCase() ?? '';
    const fileType = ['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt'].includes(ext)
      ? ext
      : ext === 'xlsx'
        ? 'xls'
        : ext === 'docx'
          ? 'doc'
          : 'stream';
    const r = (await this.client.im.file.create({
      data: {
        file_type: fileType as 'stream',
        file_name: name,
        file: Buffer.from(m.attachment ?? '', 'base64'),
      },
    })) as (Resp & { file_key?: string }) | null;
    checkCode(r);
    const key = r?.file_key ?? r?.data?.file_key;
    if (!key) throw new Error('upload returned no file_key');
    return key;
  }
}

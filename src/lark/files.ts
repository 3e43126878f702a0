import type * as lark from '@larksuiteoapi/node-sdk';
import { DownloadRefused, type MessageFiles } from '../services/files.js';
import { classifyLarkError } from './messenger.js';

/**
 * Lark's files as evidence needs them (docs/lark.md §5, §6): downloading a resource of a user's
 * message, uploading an image the bot owns. Absent in local mode.
 */

/** axios (under the SDK) has no timeout by default: a stalled download must not hold the job's lease. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** The SDK's axios rejects a body above maxContentLength with this message, on every adapter. */
const TOO_LARGE = /maxContentLength size of \d+ exceeded/;

/**
 * MessageFiles (src/services/files.ts) over the SDK client: download is GET
 * /im/v1/messages/:message_id/resources/:file_key?type= (docs/lark.md §5), and a failure Lark
 * will not retry becomes DownloadRefused. Downloads go through `client.request` with an arraybuffer
 * response instead of the SDK's stream helper: the helper needs Node streams, which the fetch
 * adapter axios uses on Workers does not give (docs/decisions/0012-workers.md). axios itself
 * enforces the cap while reading (a declared length above it stops before the body) on both its
 * http and fetch adapters; the signal bounds the whole download, as axios's `timeout` alone only
 * bounds an idle socket on Node.
 */
export function larkFiles(client: lark.Client, timeoutMs = DOWNLOAD_TIMEOUT_MS): MessageFiles {
  return {
    async download(ref, maxBytes) {
      let res: { data: ArrayBuffer; headers?: Record<string, unknown> };
      try {
        res = (await client.request({
          method: 'GET',
          url: `/open-apis/im/v1/messages/${encodeURIComponent(ref.messageId)}/resources/${encodeURIComponent(ref.fileKey)}`,
          params: { type: ref.type },
          responseType: 'arraybuffer',
          maxContentLength: maxBytes,
          timeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
          // Read by the SDK's response interceptor: return {data, headers} instead of the body alone.
          $return_headers: true,
        } as Parameters<lark.Client['request']>[0])) as typeof res;
      } catch (e) {
        if (e instanceof Error && TOO_LARGE.test(e.message)) return { ok: false, tooLarge: true };
        const c = classifyLarkError(e, 'download');
        if (!c.ok && !c.retry) throw new DownloadRefused(c.code, c.error);
        throw e;
      }
      const bytes = Buffer.from(res.data);
      if (bytes.length > maxBytes) return { ok: false, tooLarge: true };
      const type = String(res.headers?.['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      return { ok: true, bytes, contentType: type || 'application/octet-stream' };
    },
    async uploadImage(bytes) {
      const r = (await client.im.image.create({ data: { image_type: 'message', image: bytes } })) as {
        image_key?: string;
        data?: { image_key?: string };
      } | null;
      const key = r?.image_key ?? r?.data?.image_key;
      if (!key) throw new Error('image upload returned no image_key');
      return key;
    },
  };
}

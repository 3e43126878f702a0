import type { Readable } from 'node:stream';
import type * as lark from '@larksuiteoapi/node-sdk';

/**
 * Lark's files as evidence needs them (LARK.md §5, §6): downloading a resource of a user's
 * message, uploading an image the bot owns. Absent in local mode.
 */

/** axios (under the SDK) has no timeout of its own: a stalled download must not hold the job's lease. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface ResourceRef {
  messageId: string;
  fileKey: string;
  type: 'image' | 'file';
}
export type Downloaded = { ok: true; bytes: Buffer; contentType: string } | { ok: false; tooLarge: true };

export interface LarkFiles {
  /** GET /im/v1/messages/:message_id/resources/:file_key?type= (LARK.md §5); stops reading above maxBytes. */
  download(ref: ResourceRef, maxBytes: number): Promise<Downloaded>;
  /** An image key the bot owns, for showing the image in cards. */
  uploadImage?(bytes: Buffer): Promise<string>;
}

const timeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });

/** Reads a stream into memory, giving up (and closing it) as soon as it passes the cap. */
async function readCapped(stream: Readable, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    n += b.length;
    if (n > max) return undefined; // leaving for-await destroys the stream
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** LarkFiles over the SDK client (the stream can be consumed once; axios has no timeout of its own). */
export function larkFiles(client: lark.Client): LarkFiles {
  return {
    async download(ref, maxBytes) {
      const res = await timeout(
        client.im.messageResource.get({
          path: { message_id: ref.messageId, file_key: ref.fileKey },
          params: { type: ref.type },
        }),
        DOWNLOAD_TIMEOUT_MS,
        'download',
      );
      const headers = (res.headers ?? {}) as Record<string, unknown>;
      const stream = res.getReadableStream();
      if (Number(headers['content-length']) > maxBytes) {
        stream.destroy();
        return { ok: false, tooLarge: true };
      }
      const bytes = await timeout(readCapped(stream, maxBytes), DOWNLOAD_TIMEOUT_MS, 'download').finally(() =>
        stream.destroy(),
      );
      if (!bytes) return { ok: false, tooLarge: true };
      const type = String(headers['content-type'] ?? '')
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

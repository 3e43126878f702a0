import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

/** Oversize bodies are refused with 413 before they are read whole (issue 9, item 2). */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

/** A body streamed in chunks, so the test itself never holds 64 MB. */
function streamOf(total: number, chunk = 1 << 20): ReadableStream<Uint8Array> {
  let sent = 0;
  const block = new Uint8Array(chunk).fill(0x61);
  return new ReadableStream({
    pull(ctl) {
      if (sent >= total) return ctl.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      ctl.enqueue(n === chunk ? block : block.subarray(0, n));
    },
  });
}

const postBig = (path: string, bytes: number, type: string, withLength = true) =>
  fetch(`${h.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(withLength ? { 'content-length': String(bytes) } : {}) },
    body: withLength ? Buffer.alloc(bytes, 0x61) : streamOf(bytes),
    duplex: 'half',
  } as RequestInit);

describe('body limits', () => {
  it('a 64 MB unsigned body to /lark/events gets 413 (streamed, no length header)', async () => {
    const r = await postBig('/lark/events', 64 << 20, 'application/json', false);
    expect(r.status).toBe(413);
  });

  it('/lark/cards refuses 2 MB with 413 and takes a normal callback', async () => {
    expect((await postBig('/lark/cards', 2 << 20, 'application/json')).status).toBe(413);
    expect(
      (await h.post('/lark/cards', { type: 'url_verification', challenge: 'c', token: 'vt_test' })).status,
    ).toBe(200);
  });

  it('the web forms refuse 100 KB with a short Chinese page', async () => {
    for (const path of ['/feedback', '/ballot']) {
      const r = await postBig(path, 100 << 10, 'application/x-www-form-urlencoded');
      expect(r.status).toBe(413);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(await r.text()).toContain('提交的内容过大');
    }
  });
});

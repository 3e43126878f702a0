import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { larkFiles } from '../../src/lark/files.js';
import { createLarkClient } from '../../src/lark/messenger.js';

/** A Lark stand-in for what the fake does not do: stall a download, or send a body past its cap. */
let server: Server;
let client: lark.Client;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.includes('tenant_access_token')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 0, tenant_access_token: 't-stub', expire: 7200 }));
    } else if (req.url?.includes('/resources/stall')) {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.write('%PDF-'); // and then nothing
    } else if (req.url?.includes('/resources/chunked')) {
      res.writeHead(200, { 'content-type': 'application/pdf' }); // no content-length: the cap acts mid-body
      const chunk = Buffer.alloc(64 * 1024, 7);
      for (let i = 0; i < 8; i++) res.write(chunk);
      res.end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = createLarkClient({
    appId: 'cli_a1b2c3d4e5f60718',
    appSecret: 's',
    baseUrl: `http://127.0.0.1:${port}`,
    cache: new lark.DefaultCache(),
  });
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe('larkFiles.download over client.request', () => {
  it('gives up on a stalled download within its timeout', async () => {
    const files = larkFiles(client, 300);
    const started = Date.now();
    await expect(
      files.download({ messageId: 'om_1', fileKey: 'stall', type: 'file' }, 1024),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops reading a body without a length once it passes the cap', async () => {
    const files = larkFiles(client, 10_000);
    const ref = { messageId: 'om_1', fileKey: 'chunked', type: 'file' } as const;
    expect(await files.download(ref, 100 * 1024)).toEqual({ ok: false, tooLarge: true });
    const whole = await files.download(ref, 1024 * 1024);
    expect(whole).toMatchObject({ ok: true, contentType: 'application/pdf' });
    expect(whole.ok && whole.bytes.length).toBe(512 * 1024);
  });
});

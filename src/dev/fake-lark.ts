/**
 * A fake Lark/Feishu Open API on 127.0.0.1 for driving the real @larksuiteoapi/node-sdk in tests
 * (pass `fake.url` as the Client's `domain`). Shapes follow docs/lark.md §5 and the official
 * API docs; error codes are the documented ones (see LarkCodes). Every request is recorded.
 */
import type { AddressInfo } from 'node:net';
import { newState, p2pChat } from './fake-lark-core.js';
import { createFakeServer } from './fake-lark-server.js';
import type { FakeLark, FakeMessage, FakeResponse, FakeUser } from './fake-lark-types.js';
import { startFakeLarkWs } from './fake-lark-ws.js';

export type { FakeLark, FakeMessage, FakeRequest, FakeResponse, FakeUser } from './fake-lark-types.js';
export { LarkCodes } from './fake-lark-types.js';

export async function startFakeLark(
  opts: { appId?: string; appSecret?: string; botOpenId?: string; tokenExpire?: number } = {},
): Promise<FakeLark> {
  const appId = opts.appId ?? 'cli_a0b1c2d3e4f50001';
  const appSecret = opts.appSecret ?? 'secret_test';
  const botOpenId = opts.botOpenId ?? 'ou_bot';
  const tokenExpire = opts.tokenExpire ?? 7200;
  const ws = await startFakeLarkWs({ appId, appSecret });
  const s = newState({ appId, appSecret, botOpenId, tokenExpire }, ws);
  const { fake } = s;
  const server = createFakeServer(s);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;

  const api: FakeLark = Object.assign(fake, {
    addUser(u: Partial<FakeUser> & { open_id: string; name: string }): FakeUser {
      const suffix = u.open_id.replace(/^ou_/, '');
      const full: FakeUser = {
        ...u,
        union_id: u.union_id ?? `on_${suffix}`,
        user_id: u.user_id ?? `u_${suffix}`,
      };
      fake.users.set(full.open_id, full);
      return full;
    },
    addResource(messageId: string, fileKey: string, bytes: Buffer, contentType: string) {
      s.resources.set(`${messageId}\u0000${fileKey}`, { bytes, contentType });
    },
    addInboundMessage(messageId: string, chatId: string) {
      s.inbound.set(messageId, chatId);
    },
    failNext(match: string | RegExp, res: FakeResponse, times = 1) {
      s.failures.push({ match, res, left: times });
    },
    hang(match: string | RegExp, times = Number.POSITIVE_INFINITY) {
      s.hangs.push({ match, left: times });
    },
    setUnreadUrgents(openId: string, n: number) {
      s.unreadUrgents.set(openId, n);
    },
    expireMessage(messageId: string) {
      s.expired.add(messageId);
    },
    rejectReceiver(receiveId: string, code: number) {
      s.rejected.set(receiveId, code);
    },
    sentTo(receiveId: string): FakeMessage[] {
      return fake.messages.filter(
        (m) => m.receiveId === receiveId || m.chatId === receiveId || m.chatId === p2pChat(receiveId),
      );
    },
    latest(messageId: string): unknown {
      const c = s.current.get(messageId);
      return c === undefined ? undefined : JSON.parse(c);
    },
    hangReceiver(receiveId: string, o: { accept?: boolean; times?: number } = {}) {
      s.hung.set(receiveId, { accept: o.accept ?? false, left: o.times ?? Number.POSITIVE_INFINITY });
    },
    reset() {
      s.hung.clear();
      const records = [fake.messages, fake.requests, fake.patches, fake.cardUpdates, fake.uploads];
      for (const a of [...records, fake.imageUploads, fake.urgents, fake.chats, fake.tasks]) a.length = 0;
      for (const m of [s.byId, s.current, s.byUuid, s.rejected, s.resources, s.inbound, s.unreadUrgents])
        m.clear();
      s.expired.clear();
      s.failures.length = 0;
      s.hangs.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        void ws.close();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // axios keeps sockets alive; do not wait for them
      }),
  });
  return api;
}

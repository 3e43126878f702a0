import { larkRequest, textMessageEvent } from '../src/dev/lark-requests.js';

/** The keys the bench service is configured with (bench/server.ts) and the events are signed with. */
export const BENCH_LARK = {
  appId: 'cli_a0b1c2d3e4f50007',
  appSecret: 's',
  verificationToken: 'vt',
  encryptKey: 'ek',
} as const;

/** How many distinct people send the events; the bench server adds them all to the fake directory. */
export const BENCH_SENDERS = 200;
export const senderId = (i: number) => `ou_bench${i % BENCH_SENDERS}`;

export interface BenchEvent {
  eventId: string;
  messageId: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * n distinct im.message.receive_v1 events with text /帮助, each encrypted and signed as Lark
 * sends them. Built before the load starts, so the load generator only copies bytes.
 */
export function makeEvents(n: number, prefix: string): BenchEvent[] {
  const out: BenchEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const eventId = `ev_${prefix}_${i}`;
    const messageId = `om_${prefix}_${i}`;
    const { headers, body } = larkRequest(
      textMessageEvent({
        eventId,
        messageId,
        token: BENCH_LARK.verificationToken,
        appId: BENCH_LARK.appId,
        sender: senderId(i),
        text: '/帮助',
      }),
      { encryptKey: BENCH_LARK.encryptKey },
    );
    out[i] = { eventId, messageId, headers, body };
  }
  return out;
}

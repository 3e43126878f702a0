import * as lark from '@larksuiteoapi/node-sdk';
import type { Db } from '../../src/db.js';
import { createLarkClient, LarkMessenger } from '../../src/lark/messenger.js';
import { createLogger } from '../../src/log.js';
import { Dispatcher, type DispatcherDeps } from '../../src/outbox/dispatcher.js';
import type { FakeLark } from '../support/fake-lark.js';

export const FAST = { perKeyPerSecond: 1000, perSecond: 1000, perMinute: 100_000 };

export function messengerFor(fake: FakeLark): LarkMessenger {
  return new LarkMessenger(
    createLarkClient({
      appId: fake.appId,
      appSecret: fake.appSecret,
      baseUrl: fake.url,
      cache: new lark.DefaultCache(),
    }),
  );
}

/** A dispatcher of its own (another instance) on db, talking to the fake through the real SDK. */
export function dispatcherFor(db: Db, fake: FakeLark, o: Partial<DispatcherDeps> = {}): Dispatcher {
  return new Dispatcher({
    db,
    messenger: messengerFor(fake),
    log: createLogger('silent'),
    limits: FAST,
    ...o,
  });
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, step = 50): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, step));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

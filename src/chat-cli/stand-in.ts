import { sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { type FakeLark, startFakeLark } from '../dev/fake-lark.js';
import type { Person } from './people.js';

/**
 * The local Lark stand-in: the fake Open API the tests use, with the cast registered so that the
 * service's contact look-ups (by e-mail or mobile) and name look-ups find them.
 */
export async function startStandIn(db: Db, cast: readonly Person[]): Promise<FakeLark> {
  const fake = await startFakeLark({
    appId: 'cli_a0b1c2d3e4f50006',
    appSecret: `secret_${Date.now()}`,
    botOpenId: 'ou_chat_bot',
  });
  await skipUsedIds(fake, await highestMessageNumber(db));
  for (const p of cast) fake.addUser({ open_id: p.openId, name: p.name, email: p.email, mobile: p.mobile });
  return fake;
}

/** The highest om_<n> a stand-in of an earlier session gave out, as the outbox recorded it. */
async function highestMessageNumber(db: Db): Promise<number> {
  const rows = (await db.execute(
    sql`select max(substring(sent_message_id from '^om_([0-9]+)$')::int) as n from outbox`,
  )) as unknown as { rows?: { n: number | null }[] } | { n: number | null }[];
  const list = Array.isArray(rows) ? rows : (rows.rows ?? []);
  return Number(list[0]?.n ?? 0);
}

/**
 * The stand-in numbers its message ids om_1, om_2… from zero in each process, while the chat's
 * database keeps the ids of earlier sessions' cards (the service patches them and matches evidence
 * replies to them). So that a new card never takes an old card's id, burn through the used numbers
 * before the session starts (the fake has no option for a starting number; see the report).
 */
async function skipUsedIds(fake: FakeLark, n: number): Promise<void> {
  if (n <= 0) return;
  const auth = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ app_id: fake.appId, app_secret: fake.appSecret }),
  });
  const { tenant_access_token: token } = (await auth.json()) as { tenant_access_token: string };
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      await fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ receive_id: 'oc_chat_skip', msg_type: 'text', content: '{"text":"."}' }),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  fake.reset(); // forgets the records; the id counter keeps counting
}

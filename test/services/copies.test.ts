import { describe, expect, it } from 'vitest';
import { ask, assignAs, cardOf, EMAIL, P, press, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/**
 * Card copies follow access (docs/decisions/0009-separation-of-duties.md): a refresh never
 * sends a problem to someone who lost it; their copies are patched once to a short notice and
 * then left alone. Only a person's newest /查看 copy of a problem is kept live.
 */
let h: Harness;
const now = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
useCampaign({ clock: () => now }, (x) => {
  h = x;
});

const REVOKED = '此问题已不由您处理';
const patchesOf = (messageId: string) => h.fake.patches.filter((p) => p.messageId === messageId);
const latestText = (messageId: string) =>
  read({
    ...h.fake.messages.find((m) => m.messageId === messageId)!,
    content: JSON.stringify(h.fake.latest(messageId)),
  }).text;

let seq = 0;
/** A unit of its own with fresh contacts, so each test builds its own world. */
async function unitWith(contacts: number): Promise<{ unit: string; ids: string[] }> {
  seq += 1;
  const unit = `测试单位${seq}局`;
  expect((await ask(h, P.staff, `/单位 添加 ${unit}`)).text).toContain('已添加');
  const ids: string[] = [];
  for (let i = 0; i < contacts; i++) {
    const id = `ou_copy_${seq}_${i}`;
    h.fake.addUser({ open_id: id, name: `联络员${seq}${i}`, email: EMAIL(id) });
    expect((await ask(h, P.staff, `/联络员 添加 ${unit} ${EMAIL(id)}`)).text).toContain('已设置');
    ids.push(id);
  }
  return { unit, ids };
}

describe('copies follow access', () => {
  it('a removed contact’s card is patched once to a short notice, then never again', async () => {
    const { unit, ids } = await unitWith(2);
    const [a, b] = ids as [string, string];
    const { code } = await assignAs(h, `联络员变更 单位:${unit} 期限:2026-12-31`);
    const gone = cardOf(h, b, code);
    expect((await ask(h, P.staff, `/联络员 移除 ${unit} ${EMAIL(b)}`)).text).toContain('已将');
    await h.dispatch();
    await press(h, a, cardOf(h, a, code), '签收');
    await h.dispatch();
    const text = latestText(gone.messageId);
    expect(text).toContain(REVOKED);
    expect(text).toContain(code);
    expect(text).not.toContain('已签收');
    expect(patchesOf(gone.messageId)).toHaveLength(1);
    await press(h, a, cardOf(h, a, code), '反馈进展', { content: '已开展整改', percent: '30' });
    await h.dispatch();
    expect(patchesOf(gone.messageId)).toHaveLength(1);
    expect(latestText(gone.messageId)).not.toContain('已开展整改');
  });

  it('after 改派 the old unit’s copies are patched to the notice, not to the new state', async () => {
    const from = await unitWith(1);
    const to = await unitWith(1);
    const [a] = from.ids as [string];
    const [b] = to.ids as [string];
    const { code } = await assignAs(h, `改派后副本 单位:${from.unit} 期限:2026-12-31`);
    const old = cardOf(h, a, code);
    await press(h, a, old, '申请改派', { reason: '不属于本单位' });
    await h.dispatch();
    const r = await press(h, P.staff, cardOf(h, P.staff, code), '处理改派申请', {
      decision: 'accept',
      lead_unit: to.unit,
      reason: '同意改派',
    });
    expect(r.toast?.type).toBe('success');
    await h.dispatch();
    expect(latestText(old.messageId)).toContain(REVOKED);
    const n = patchesOf(old.messageId).length;
    await press(h, b, cardOf(h, b, code), '签收');
    await h.dispatch();
    expect(patchesOf(old.messageId)).toHaveLength(n);
    expect(latestText(old.messageId)).not.toContain('已签收');
  });

  it('a supervisor whose group no longer follows the unit gets the notice on their review card', async () => {
    const { unit, ids } = await unitWith(1);
    const [a] = ids as [string];
    const supA = `ou_copy_supa_${seq}`;
    h.fake.addUser({ open_id: supA, name: '组甲督导', email: EMAIL(supA) });
    await ask(h, P.staff, `/督导组 添加 副本甲组${seq}`);
    await ask(h, P.staff, `/督导组 添加 副本乙组${seq}`);
    await ask(h, P.staff, `/督导组 成员 副本甲组${seq} 添加 ${EMAIL(supA)}`);
    await ask(h, P.staff, `/督导组 单位 副本甲组${seq} ${unit}`);
    const { code } = await assignAs(h, `督导组变更 单位:${unit} 期限:2026-12-31`);
    await press(h, a, cardOf(h, a, code), '申请延期', {
      new_deadline: '2027-01-29 +0800',
      reason: '需协调',
    });
    await h.dispatch();
    const review = cardOf(h, supA, code);
    expect(review.buttons.map((x) => x.label)).toContain('同意延期');
    await ask(h, P.staff, `/督导组 单位 副本乙组${seq} ${unit}`);
    await h.dispatch();
    const text = latestText(review.messageId);
    expect(text).toContain(REVOKED);
    expect(text).not.toContain('副本乙组');
  });
});

describe('/查看 copies', () => {
  it('only the newest /查看 copy of a person is patched on a change; older ones are left alone', async () => {
    const { unit, ids } = await unitWith(1);
    const [a] = ids as [string];
    const { code } = await assignAs(h, `查看副本 单位:${unit} 期限:2026-12-31`);
    const first = await ask(h, a, `/查看 ${code}`);
    const second = await ask(h, a, `/查看 ${code}`);
    await press(h, a, cardOf(h, a, code), '签收');
    await h.dispatch();
    expect(latestText(second.messageId)).toContain('状态：已签收');
    expect(patchesOf(first.messageId)).toHaveLength(0);
  });
});

import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { problems } from '../../db/schema/index.js';
import type { FakeTask } from '../../src/dev/fake-lark-types.js';
import { taskUpdatedEvent } from '../../src/dev/lark-requests.js';
import {
  ask,
  assignAs,
  cardOf,
  closeWithEvidence,
  EMAIL,
  P,
  press,
  read,
  useCampaign,
} from '../support/campaign.js';
import type { Harness } from '../support/harness.js';
import { TOKEN } from '../support/harness.js';

/**
 * Feishu tasks (LARK_TASKS=1): each assignment becomes a task for the lead unit's contacts, which
 * follows the problem through the closed loop — deadline, 销号, 撤销, contacts.
 */
let h: Harness;
const START = new Date('2026-11-26T02:00:00Z'); // Thursday 10:00 in Asia/Shanghai
let now = START;
useCampaign(
  { clock: () => now, env: { LARK_TASKS: '1' } },
  (x) => {
    h = x;
  },
  {
    first: () => {
      now = START;
    },
  },
);

const problemOf = async (code: string) =>
  (await h.database.db.select().from(problems).where(eq(problems.code, code)))[0]!;
const taskOf = (code: string): FakeTask => {
  const t = h.fake.tasks.filter((x) => x.summary.includes(code));
  expect(t).toHaveLength(1);
  return t[0]!;
};
const assignees = (t: FakeTask) =>
  t.members
    .filter((m) => m.role === 'assignee')
    .map((m) => m.id)
    .sort();
/** Midnight UTC of a date, in ms: Lark's all-day due. */
const dueMs = (d: string) => String(Date.parse(`${d}T00:00:00Z`));

const _files = 0;
const close = (code: string) => closeWithEvidence(h, code);

describe('飞书任务', () => {
  it('交办 creates one task for the lead contacts, with the code, the title, the due date and a link to the bot', async () => {
    const { code } = await assignAs(h, '窗口排队时间过长 单位:市人社局 配合:市民政局 期限:2026-12-31');
    await h.dispatch();
    const t = taskOf(code);
    expect(t.summary).toBe(`【督办】${code} 窗口排队时间过长`);
    expect(t.description).toContain('牵头单位：市人力资源和社会保障局');
    expect(t.description).toContain('2026年12月31日');
    expect(t.description).toContain(`https://applink.feishu.cn/client/bot/open?appId=${h.fake.appId}`);
    expect(t.due).toEqual({ timestamp: dueMs('2026-12-31'), is_all_day: true });
    // The lead unit's contacts only: not the cooperating unit's.
    expect(assignees(t)).toEqual([P.lead1, P.lead2].sort());
    expect(t.completedAt).toBe('0');
    // A second dispatch makes no second task (client_token, and the row is settled).
    await h.dispatch();
    taskOf(code);
  });

  it('同意延期 moves the due date; 销号 completes the task', async () => {
    const { code } = await assignAs(h, '办事指南未更新 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    await press(h, P.lead1, cardOf(h, P.lead1, code), '申请延期', {
      new_deadline: '2027-01-15',
      reason: '涉及系统改造',
    });
    await h.dispatch();
    const ok = await press(h, P.staff, cardOf(h, P.staff, code), '同意延期');
    expect(ok.toast?.type, JSON.stringify(ok)).toBe('success');
    await h.dispatch();
    expect(taskOf(code).due).toEqual({ timestamp: dueMs('2027-01-15'), is_all_day: true });
    expect(taskOf(code).completedAt).toBe('0');
    await close(code);
    const closedAt = (await problemOf(code)).closedAt!;
    expect(taskOf(code).completedAt).toBe(String(closedAt.getTime()));
    expect(taskOf(code).deleted).toBe(false);
  });

  it('撤销 deletes the task', async () => {
    const { code } = await assignAs(h, '重复交办的问题 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    expect(taskOf(code).deleted).toBe(false);
    const p = await problemOf(code);
    const r = await h.click(P.staff, {
      messageId: 'om_x',
      value: { action: 'p.withdraw', pid: p.id },
      formValue: { reason: '与其他问题重复' },
    });
    expect(r.body.toast?.type).toBe('success');
    await h.dispatch();
    expect(taskOf(code).deleted).toBe(true);
  });

  it("a contact added to the lead unit joins its open problems' tasks; one removed leaves them", async () => {
    const { code } = await assignAs(h, '材料清单不统一 单位:市教育局 期限:2026-12-31');
    await h.dispatch();
    expect(assignees(taskOf(code))).toEqual([P.other]);
    const added = await ask(h, P.staff, `/联络员 添加 市教育局 ${EMAIL(P.stranger)}`);
    expect(added.text).toContain('已设置');
    await h.dispatch();
    expect(assignees(taskOf(code))).toEqual([P.other, P.stranger].sort());
    const removed = await ask(h, P.staff, `/联络员 移除 市教育局 ${EMAIL(P.stranger)}`);
    expect(removed.text).not.toContain('不是');
    await h.dispatch();
    expect(assignees(taskOf(code))).toEqual([P.other]);
  });

  it('a contact completing the task in Feishu is asked to 申请销号; the problem stays open', async () => {
    const { code } = await assignAs(h, '任务先完成 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    h.drain();
    const t = taskOf(code);
    const event = taskUpdatedEvent({ token: TOKEN, taskId: t.guid, objType: 5 });
    expect((await h.post('/lark/events', event)).status).toBe(200);
    expect((await h.post('/lark/events', event)).status).toBe(200); // Lark delivers again
    await h.dispatch();
    for (const who of [P.lead1, P.lead2]) {
      const told = h.fake
        .sentTo(who)
        .map((m) => read(m).text)
        .filter((x) => x.includes('飞书任务'));
      expect(told).toHaveLength(1);
      expect(told[0]).toContain(`【${code}】`);
      expect(told[0]).toContain('申请销号');
    }
    expect((await problemOf(code)).state).toBe('assigned');
  });

  it('no prompt once the problem is closed (our own 销号 completes the task too)', async () => {
    const { code } = await assignAs(h, '已销号的任务 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    await close(code);
    h.drain();
    const event = taskUpdatedEvent({ token: TOKEN, taskId: taskOf(code).guid, objType: 5 });
    expect((await h.post('/lark/events', event)).status).toBe(200);
    await h.dispatch();
    expect(h.drain().filter((m) => read(m).text.includes('飞书任务'))).toHaveLength(0);
  });

  it('a task call that Lark refuses is not retried in a loop and leaves the problem as it was', async () => {
    const { code } = await assignAs(h, '任务接口故障 单位:市人社局 期限:2026-12-31');
    await h.dispatch();
    h.fake.failNext('PATCH /open-apis/task/v2/tasks/', {
      status: 400,
      body: { code: 1470400, msg: 'invalid param' },
    });
    const edit = await h.click(P.staff, {
      messageId: 'om_x',
      value: { action: 'p.edit', pid: (await problemOf(code)).id },
      formValue: { deadline: '2027-02-01' },
    });
    expect(edit.body.toast?.type, JSON.stringify(edit.body)).toBe('success');
    await h.dispatch();
    await h.dispatch();
    expect((await problemOf(code)).deadline).toBe('2027-02-01');
    expect(taskOf(code).due?.timestamp).toBe(dueMs('2026-12-31'));
    const guid = taskOf(code).guid;
    const patches = h.fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(guid));
    expect(patches).toHaveLength(1);
  });
});

describe('without LARK_TASKS', () => {
  let plain: Harness;
  beforeAll(async () => {
    const { startHarness } = await import('../support/harness.js');
    const { setupCampaign } = await import('../support/campaign.js');
    plain = await startHarness({ clock: () => START });
    await setupCampaign(plain);
    return () => plain.stop();
  });
  it('nothing is sent to the task API', async () => {
    const { code } = await assignAs(plain, '不建任务 单位:市人社局 期限:2026-12-31');
    await plain.dispatch();
    expect(code).toBeTruthy();
    expect(plain.fake.requests.some((r) => r.path.includes('/task/'))).toBe(false);
    expect(plain.fake.tasks).toHaveLength(0);
  });
});

import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { documents } from '../../db/schema/index.js';
import { assignAs, P, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/** 10:00 in Asia/Shanghai on a day. */
const at = (day: string) => new Date(`${day}T10:00:00+08:00`);
let now = at('2026-11-02'); // Monday
let h: Harness;
useCampaign(
  { clock: () => now, env: { ORG_NAME: '丹江口市人大常委会办公室', ORG_DOC_PREFIX: '丹人大督' } },
  (x) => {
    h = x;
  },
);

async function remind(day: string) {
  now = at(day);
  await h.service.deps.runJob!('reminders', now);
  await h.runQueue(now);
  await h.dispatch();
  return h.drain().filter((m) => m.msgType === 'file');
}

describe('the reminder ladder’s 催办通知书', () => {
  it('goes to the unit’s contacts with the supervisor step, once a week, listing all its overdue problems', async () => {
    const late = (await assignAs(h, '企业开办材料重复提交 单位:市人社局 期限:2026-11-04')).code;
    const later = (await assignAs(h, '社保窗口排队时间长 单位:市人社局 期限:2026-11-06')).code;
    const edu = (await assignAs(h, '校车线路不合理 单位:市教育局 期限:2026-12-31')).code;
    h.drain();
    // 11-06 (Fri): 2 workdays late, below ESCALATE_SUPERVISOR_WORKDAYS (3): no document.
    expect(await remind('2026-11-06')).toEqual([]);
    // 11-09 (Mon): (11-04, 11-09] = 3 workdays: the supervisor step, and the 催办通知书.
    const sent = await remind('2026-11-09');
    expect(sent.map((m) => m.receiveId).sort()).toEqual([P.lead1, P.lead2].sort());
    const up = h.fake.uploads.filter((u) => u.fileName.startsWith('催办通知书-市人力资源和社会保障局'));
    expect(up.map((u) => u.fileName)[0]).toBe(
      '催办通知书-市人力资源和社会保障局（丹人大督〔2026〕1号）.docx',
    );
    const text = (await mammoth.extractRawText({ buffer: up[0]!.bytes })).value;
    // Every overdue problem of the unit, the one not yet escalated too (1 workday late).
    expect(text).toContain(late);
    expect(text).toContain(later);
    expect(text).not.toContain(edu);
    // The same week: escalated again, but no second document.
    const again = await remind('2026-11-10');
    expect(again).toEqual([]);
    // The next week: a new one, numbered on.
    const next = await remind('2026-11-16');
    expect(next.length).toBe(2);
    const rows = await h.database.db.select().from(documents);
    expect(rows.map((d) => [d.kind, d.docNumber, d.createdByName])).toEqual([
      ['urge', '丹人大督〔2026〕1号', '督办助手（自动催办）'],
      ['urge', '丹人大督〔2026〕2号', '督办助手（自动催办）'],
    ]);
  });
});

import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { ask, assignAs, P, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
const now = new Date('2026-12-02T02:00:00Z');
useCampaign(
  {
    clock: () => now,
    env: { ORG_NAME: '丹江口市人大常委会办公室', ORG_DOC_PREFIX: '丹人大督', SEND_NOTICE_ON_ASSIGN: '1' },
  },
  (x) => {
    h = x;
  },
);

describe('SEND_NOTICE_ON_ASSIGN=1', () => {
  it('attaches the 督办通知书 to the assignment as a file message to each lead contact', async () => {
    const { code } = await assignAs(h, '企业开办材料重复提交 单位:市人社局 配合:市民政局 期限:2026-12-31');
    const got = h.drain();
    const files = got.filter((m) => m.msgType === 'file');
    expect(files.map((m) => m.receiveId).sort()).toEqual([P.lead1, P.lead2].sort());
    // Each lead contact gets the card first, then the file.
    const lead1 = got.filter((m) => m.receiveId === P.lead1).map((m) => m.msgType);
    expect(lead1).toEqual(['interactive', 'file']);
    expect(got.some((m) => m.receiveId === P.co && m.msgType === 'file')).toBe(false);
    const up = h.fake.uploads.at(-1)!;
    expect(up.fileName).toBe(`督办通知书-${code}（丹人大督〔2026〕1号）.docx`);
    const text = (await mammoth.extractRawText({ buffer: up.bytes })).value;
    for (const s of [code, '市人力资源和社会保障局', '2026年12月31日', '丹人大督〔2026〕1号'])
      expect(text).toContain(s);
    expect((await ask(h, P.staff, `/查看 ${code}`)).text).toContain(
      '制发公文：督办通知书 丹人大督〔2026〕1号',
    );
  });
});

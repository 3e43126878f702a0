import { describe, expect, it } from 'vitest';
import { assignAs, cardOf, P, press, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/** Without PUBLIC_BASE_URL there is no page for a 代表's 回访 code: staff are told so, twice. */
let h: Harness;
useCampaign({ clock: () => new Date('2026-11-26T02:00:00Z') }, (x) => {
  h = x;
});

describe('回访 without PUBLIC_BASE_URL', () => {
  it('/交办 with a 代表 warns that web codes are unavailable, and the close-out message says so again', async () => {
    const { code, reply } = await assignAs(h, '菜市场噪音扰民 单位:市教育局 期限:2026-12-31 提出人:李秀英');
    expect(reply.text).toContain('提出人：人大代表李秀英');
    expect(reply.text).toContain('网页回访码不可用');
    const who = P.other;
    await press(h, who, cardOf(h, who, code), '签收');
    await h.dispatch();
    h.fake.addResource('om_nourl_file', 'file_v3_nourl', Buffer.from('报告'), 'application/pdf');
    h.fake.addInboundMessage('om_nourl_file', `oc_p2p_${who}`);
    await h.sendFile(who, {
      messageId: 'om_nourl_file',
      kind: 'file',
      fileKey: 'file_v3_nourl',
      fileName: '报告.pdf',
      parentId: cardOf(h, who, code).messageId,
    });
    await h.runQueue();
    await h.dispatch();
    await press(h, who, cardOf(h, who, code), '申请销号', { summary: '已整改' });
    await h.dispatch();
    expect((await press(h, P.staff, cardOf(h, P.staff, code), '同意销号')).toast?.type).toBe('success');
    await h.dispatch();
    const m = h.fake
      .sentTo(P.staff)
      .map(read)
      .find((x) => x.text.includes(code) && x.text.includes('李秀英'));
    expect(m?.text).toContain('未配置 PUBLIC_BASE_URL，网页回访码不可用');
    expect(m?.text).not.toMatch(/[A-Z0-9]{5}-[A-Z0-9]{5}/);
  });
});

import { describe, expect, it } from 'vitest';
import { anonymousFeedback, units } from '../../db/schema/index.js';
import { ask, P, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/** Bad bytes and odd names get a clear answer, never a 5xx (issue 9, item 3). */

let h: Harness;
let now = new Date('2026-12-10T02:00:00Z');
useCampaign(
  { clock: () => now },
  (x) => {
    h = x;
  },
  { drain: false },
);

describe('text is cleaned at the edge', () => {
  it('/单位 添加 with NUL, C0 controls and a lone surrogate adds the unit, cleaned', async () => {
    const r = await ask(h, P.staff, '/单位 添加 市\u0000测试\u0007局\ud800甲');
    expect(r.text).toContain('已添加');
    const names = (await h.database.db.select().from(units)).map((u) => u.name);
    expect(names).toContain('市测试局\ufffd甲');
  });

  it('a web form with NUL and a lone surrogate in the text is taken, cleaned', async () => {
    const page = await (await fetch(`${h.url}/feedback`)).text();
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    now = new Date(now.getTime() + 10_000);
    const r = await fetch(`${h.url}/feedback`, {
      method: 'POST',
      body: new URLSearchParams({ action: 'submit', token, text: '网页\u0000反馈\ud800测试' }),
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('回执码');
    const rows = await h.database.db.select().from(anonymousFeedback);
    expect(rows.map((x) => x.text)).toContain('网页反馈\ufffd测试');
  });
});

describe('user data never picks a prototype property', () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    it(`a card action named ${name} answers with a toast`, async () => {
      const r = await h.click(P.staff, { messageId: 'om_x', value: { action: name } });
      expect(r.status).toBe(200);
      expect(r.body.toast?.content).toContain('此按钮已失效');
    });
  }

  it('/角色 constructor @x answers with the usage', async () => {
    for (const w of ['constructor', '__proto__', 'toString']) {
      const r = await ask(h, P.admin, `/角色 ${w} ${P.staff}`);
      expect(r.text).toContain('格式：/角色');
    }
  });
});

import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/actions/index.js';
import { rowsOf } from '../../src/db.js';
import { cleanText } from '../../src/domain/text.js';
import { P, setupCampaign } from '../support/campaign.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Random input at the real routes, signed and encrypted as Lark sends it (issue 9, item 3): never a
 * 5xx, always an answer, and nothing changes when someone without a role is refused.
 */

let h: Harness;
let now = new Date('2026-12-10T02:00:00Z');
beforeAll(async () => {
  h = await startHarness({ clock: () => now });
  await setupCampaign(h);
  await h.say(P.stranger, '/我是谁');
  await h.dispatch();
});
afterAll(() => h.stop());

/** The rows a refused request must leave alone. */
async function state(): Promise<string> {
  const r = await h.database.db.execute(
    sql`select (select count(*) from units) u, (select count(*) from problems) p, (select count(*) from roles) r,
        (select count(*) from unit_contacts) c, (select count(*) from voting_codes) v, (select count(*) from evaluations) e`,
  );
  return JSON.stringify(rowsOf(r)[0]);
}

const nasty = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\u0007',
  '\u001b[31m',
  '\r\n',
  '__proto__',
  'constructor',
  'toString',
  '单位:',
  '期限:',
  '2026-02-30',
  '@_user_1',
  '<b>',
  '**',
  ' ',
  '：',
  '9'.repeat(30),
);
const noise = fc
  .array(fc.oneof(nasty, fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 })), {
    maxLength: 8,
  })
  .map((xs) => xs.join(''));
const command = fc
  .tuple(
    fc.constantFrom(
      '/单位 添加 ',
      '/单位 ',
      '/角色 ',
      '/交办 ',
      '/查看 ',
      '/列表 ',
      '/联络员 添加 ',
      '/测评 投票码 ',
      '/测评 ',
      '/评议对象 设置 ',
      '/日历 ',
      '/反馈查询 ',
      '/',
      '',
    ),
    noise,
  )
  .map(([a, b]) => a + b);
const jsonValue = fc.oneof(
  noise,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(noise, { maxLength: 3 }),
);
const record = fc.dictionary(
  fc.oneof(noise, fc.constantFrom('pid', 'form', 'id', '__proto__', 'constructor')),
  jsonValue,
  {
    maxKeys: 5,
  },
);

let n = 0;
describe('random input never breaks the service', () => {
  it('commands: always answered, 200; a stranger changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(command, fc.constantFrom(P.staff, P.stranger, P.admin), async (text, who) => {
        const before = await state();
        const messageId = `om_prop_${++n}`;
        const toSender = h.fake.sentTo(who).length;
        const res = await h.say(who, text, { messageId });
        expect(res.status).toBe(200);
        await h.dispatch();
        // Anonymous commands (/匿名反馈, /反馈查询 and near misses) answer with a new message to the
        // sender, never a reply that would keep their message id (docs/decisions/0004-anonymity.md).
        const answered =
          h.fake.messages.some((m) => m.replyTo === messageId) || h.fake.sentTo(who).length > toSender;
        if (cleanText(text).trim()) expect(answered).toBe(true);
        if (who === P.stranger) expect(await state()).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it('card values and form values: a toast, never a 5xx; a stranger changes nothing', async () => {
    const names = [...ACTIONS.keys()];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...names, '__proto__', 'constructor', 'toString'), noise),
        record,
        fc.option(record, { nil: undefined }),
        async (action, value, formValue) => {
          const before = await state();
          const r = await h.click(P.stranger, {
            messageId: `om_card_${++n}`,
            value: { ...value, action },
            formValue,
          });
          expect(r.status).toBeLessThan(500);
          if (r.status === 200) expect(r.body.toast?.content).toBeTruthy();
          expect(await state()).toBe(before);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('web forms: an HTML answer, never a 5xx', async () => {
    const field = fc.oneof(noise, fc.constantFrom('submit', 'lookup', 'code', 'vote'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/feedback', '/ballot'),
        fc.dictionary(fc.oneof(field, fc.constantFrom('u_1', 'u_2')), field, { maxKeys: 5 }),
        async (path, fields) => {
          const before = await state();
          now = new Date(now.getTime() + 5_000);
          const res = await fetch(`${h.url}${path}`, { method: 'POST', body: new URLSearchParams(fields) });
          expect(res.status).toBeLessThan(500);
          expect(await res.text()).toContain('<html');
          expect(await state()).toBe(before);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('spreadsheet cells: the sender always gets an answer', async () => {
    const cell = fc.oneof(
      noise,
      fc.integer(),
      fc.double(),
      fc.date({ noInvalidDate: true }),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        async (rows) => {
          const wb = new ExcelJS.Workbook();
          const ws = wb.addWorksheet('问题清单');
          ws.addRow(['问题标题', '牵头单位', '期限', '问题描述']);
          for (const r of rows) ws.addRow(r);
          const bytes = Buffer.from(await wb.xlsx.writeBuffer());
          const messageId = `om_sheet_${++n}`;
          h.fake.addResource(
            messageId,
            `file_${n}`,
            bytes,
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          );
          h.fake.addInboundMessage(messageId, `oc_p2p_${P.staff}`);
          const res = await h.sendFile(P.staff, {
            messageId,
            kind: 'file',
            fileKey: `file_${n}`,
            fileName: '清单.xlsx',
          });
          expect(res.status).toBe(200);
          await h.runQueue();
          await h.dispatch();
          expect(h.fake.messages.some((m) => m.replyTo === messageId)).toBe(true);
        },
      ),
      // A NaN in a date column once threw "Invalid time value" in the job, which then retried forever.
      { numRuns: 6, examples: [[[[null, null, Number.NaN, '']]]] },
    );
  });
});

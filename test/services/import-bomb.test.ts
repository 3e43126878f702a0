import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { expect, it } from 'vitest';
import { importDrafts } from '../../db/schema/index.js';
import { P, read, useCampaign } from '../support/campaign.js';
import type { Harness } from '../support/harness.js';

/** A spreadsheet that inflates far past any real list is refused before it is opened (issue 9, item 12). */

let h: Harness;
useCampaign(
  { clock: () => new Date('2026-11-26T02:00:00Z') },
  (x) => {
    h = x;
  },
  { drain: false },
);

async function bomb(padMb: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('问题清单');
  ws.addRow(['序号', '问题标题', '问题描述', '牵头单位', '期限']);
  ws.addRow([1, '路灯不亮', '', '市民政局', '2026-12-31']);
  const zip = await JSZip.loadAsync(Buffer.from(await wb.xlsx.writeBuffer()));
  const name = 'xl/worksheets/sheet1.xml';
  const xml = await zip.file(name)!.async('string');
  zip.file(name, xml.replace('</worksheet>', `${' '.repeat(padMb << 20)}</worksheet>`));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

it('a 60 MB-inflating xlsx of a few hundred KB is refused, naming the limit, and nothing is drafted', async () => {
  const bytes = await bomb(60);
  expect(bytes.length).toBeLessThan(1 << 20);
  const messageId = 'om_bomb';
  h.fake.addResource(
    messageId,
    'file_v3_bomb',
    bytes,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  h.fake.addInboundMessage(messageId, `oc_p2p_${P.staff}`);
  const res = await h.sendFile(P.staff, {
    messageId,
    kind: 'file',
    fileKey: 'file_v3_bomb',
    fileName: '清单.xlsx',
  });
  expect(res.status).toBe(200);
  await h.runQueue();
  await h.dispatch();
  const replies = h.fake.messages.filter((m) => m.replyTo === messageId).map(read);
  expect(replies.map((r) => r.text).join('\n')).toContain('解压后超过');
  expect(await h.database.db.select().from(importDrafts)).toHaveLength(0);
});

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { chineseDate, noticeDocument, reportDocument, urgeDocument } from '../../src/documents/index.js';
import { notice, ORG, report, urge } from './fixtures.js';

const docXml = async (bytes: Buffer, part = 'word/document.xml') =>
  (await JSZip.loadAsync(bytes)).file(part)?.async('string') ?? '';
/** The visible text of document.xml: runs joined, tags dropped. */
const textOf = (xml: string) => xml.replace(/<w:p[ >]/g, '\n$&').replace(/<[^>]+>/g, '');

const build = async () => ({
  notice: await noticeDocument(notice),
  urge: await urgeDocument(urge),
  report: await reportDocument(report()),
});

describe('documents read back', () => {
  it('督办通知书 holds the code, units, deadline in Chinese, 文号 and organisation', async () => {
    const t = textOf(await docXml(await noticeDocument(notice)));
    for (const s of [
      'DB-2026-007',
      '市人力资源和社会保障局',
      '市民政局、市市场监督管理局',
      '2026年12月31日',
      '请于2026年12月15日前反馈整改进展',
      '佐证材料',
      '丹人大督〔2026〕3号',
      ORG,
      '二〇二六年十二月二日',
      '0719-5201234',
    ])
      expect(t).toContain(s);
  });

  it('催办通知书 lists the unit’s overdue problems with workdays overdue', async () => {
    const t = textOf(await docXml(await urgeDocument(urge)));
    for (const s of [
      '市教育局：',
      'DB-2026-012',
      'DB-2026-031',
      '2026年11月20日',
      '逾期工作日',
      '丹人大督〔2026〕4号',
      ORG,
    ])
      expect(t).toContain(s);
  });

  it('通报 ranks units by score, shows "—" for a unit without problems, and embeds the chart', async () => {
    const bytes = await reportDocument(report());
    const t = textOf(await docXml(bytes));
    for (const s of [
      '关于2026年11月督办工作情况的通报',
      '92.5',
      '市文化和旅游局',
      'DB-2026-018',
      '佐证材料不全',
      '“回头看”',
      '丹人大督〔2026〕5号',
      ORG,
    ])
      expect(t).toContain(s);
    expect(t).not.toContain('NaN');
    const zip = await JSZip.loadAsync(bytes);
    expect(Object.keys(zip.files).some((f) => f.startsWith('word/media/') && f.endsWith('.png'))).toBe(true);
    const without = textOf(await docXml(await reportDocument({ ...report(), chart: null })));
    expect(without).toContain('本运行环境不生成图表');
  });

  it('lays out after GB/T 9704: A4, the standard margins, 红头 in red with the red line, fonts, — N — page numbers', async () => {
    const bytes = await noticeDocument(notice);
    const xml = await docXml(bytes);
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    // 37 / 35 / 28 / 26 mm in twips.
    expect(xml).toMatch(/w:top="2098"[^>]*w:right="1474"[^>]*w:bottom="1985"[^>]*w:left="1588"/);
    expect(xml).toContain('w:eastAsia="方正小标宋简体"');
    expect(xml).toContain('w:eastAsia="仿宋_GB2312"');
    expect(xml).toContain('w:eastAsia="黑体"');
    expect(xml).toMatch(/<w:color w:val="FF0000"\/>/);
    expect(xml).toMatch(/<w:bottom w:val="single" w:color="FF0000"/);
    const zip = await JSZip.loadAsync(bytes);
    const footers = await Promise.all(
      Object.keys(zip.files)
        .filter((f) => /^word\/footer\d+\.xml$/.test(f))
        .map((f) => zip.file(f)!.async('string')),
    );
    expect(footers.length).toBe(2);
    for (const f of footers) expect(textOf(f).replace(/\s+/g, '')).toMatch(/^—PAGE.*—$/);
  });

  it('writes dates as 公文 do', () => {
    expect(chineseDate('2026-12-02')).toBe('二〇二六年十二月二日');
    expect(chineseDate('2027-10-31')).toBe('二〇二七年十月三十一日');
    expect(chineseDate('2030-01-20')).toBe('二〇三〇年一月二十日');
    expect(chineseDate('2026-11-15')).toBe('二〇二六年十一月十五日');
  });
});

// LibreOffice is large (Debian libreoffice-writer-nogui, about 105 MB): CI installs it; a
// developer machine without it skips with a note. soffice.bin is called directly because the
// soffice wrapper prints a Java warning of its own that has nothing to do with the document.
const SOFFICE = ['/usr/lib/libreoffice/program/soffice.bin', '/usr/bin/soffice'].find((p) => existsSync(p));
const convertIt = SOFFICE || process.env.CI ? it : it.skip;
if (!SOFFICE && !process.env.CI)
  console.warn('LibreOffice not installed: the PDF conversion test is skipped.');

describe('PDF by LibreOffice', () => {
  convertIt(
    'converts all three documents without a warning; page 1 renders (docs/samples with WRITE_SAMPLES=1)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'duban-docs-'));
      const docs = await build();
      for (const [k, b] of Object.entries(docs)) writeFileSync(join(dir, `${k}.docx`), b);
      const args = [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        ...Object.keys(docs).map((k) => join(dir, `${k}.docx`)),
      ];
      let r = spawnSync(SOFFICE ?? 'soffice', args, { encoding: 'utf8', timeout: 120_000 });
      // Exit 81: a fresh profile was created and LibreOffice asks to be started again.
      if (r.status === 81) r = spawnSync(SOFFICE ?? 'soffice', args, { encoding: 'utf8', timeout: 120_000 });
      expect(r.status).toBe(0);
      expect(r.stderr.trim()).toBe('');
      expect(r.stdout).not.toMatch(/warn|error/i);
      const out = process.env.WRITE_SAMPLES ? join(process.cwd(), 'docs', 'samples') : dir;
      mkdirSync(out, { recursive: true });
      for (const k of Object.keys(docs)) {
        const pdf = readFileSync(join(dir, `${k}.pdf`));
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        if (existsSync('/usr/bin/pdftoppm')) {
          execFileSync('pdftoppm', [
            '-png',
            '-r',
            '80',
            '-f',
            '1',
            '-l',
            '1',
            '-singlefile',
            join(dir, `${k}.pdf`),
            join(out, k),
          ]);
          expect(
            readFileSync(join(out, `${k}.png`))
              .subarray(1, 4)
              .toString(),
          ).toBe('PNG');
        }
      }
    },
    180_000,
  );
});

import { describe, expect, it } from 'vitest';
import { isImportUpload, receiveEvidence, receiveImport } from '../../src/chat/attachments.js';
import { LOCAL_MODE_TEXT } from '../../src/services/evidence/common.js';
import type { Role } from '../../src/services/people/read.js';
import { IMPORT_LOCAL_MODE_TEXT, SAVE_AS_XLSX_TEXT } from '../../src/services/spreadsheet/import-receive.js';

const actor = (...roles: Role[]) => ({ openId: 'ou_a', name: '甲', roles: new Set(roles) });
const file = (o: Record<string, unknown> = {}) =>
  ({
    kind: 'file',
    messageId: 'om_1',
    chatId: 'oc_1',
    fileKey: 'file_1',
    fileName: '清单.xlsx',
    ...o,
  }) as never;
type ImportCtx = Parameters<typeof receiveImport>[1];

describe('attachments', () => {
  it('takes a spreadsheet from staff, not in reply to anything, as a list to import', () => {
    expect(isImportUpload({ msg: file(), actor: actor('staff') })).toBe(true);
    expect(isImportUpload({ msg: file({ fileName: '清单.csv' }), actor: actor('admin') })).toBe(true);
    expect(isImportUpload({ msg: file(), actor: actor() })).toBe(false);
    expect(isImportUpload({ msg: file({ parentId: 'om_0' }), actor: actor('staff') })).toBe(false);
    expect(isImportUpload({ msg: file({ rootId: 'om_0' }), actor: actor('staff') })).toBe(false);
    expect(isImportUpload({ msg: file({ fileName: '报告.pdf' }), actor: actor('staff') })).toBe(false);
    expect(isImportUpload({ msg: file({ kind: 'image' }), actor: actor('staff') })).toBe(false);
  });

  it('asks for .xlsx before it says local mode, and says local mode without Lark', async () => {
    const ctx = (o: Record<string, unknown>) =>
      ({ msg: file(o), actor: actor('staff') }) as unknown as ImportCtx;
    expect(await receiveImport(undefined, ctx({ fileName: '清单.xls' }))).toEqual({
      text: SAVE_AS_XLSX_TEXT,
    });
    expect(await receiveImport(undefined, ctx({}))).toEqual({ text: IMPORT_LOCAL_MODE_TEXT });
    expect(await receiveImport(undefined, ctx({ fileKey: undefined }))).toEqual({ none: true });
  });

  it('answers evidence in local mode, and ignores a message without a file', async () => {
    const ctx = (o: Record<string, unknown>) =>
      ({ msg: file(o), actor: actor() }) as unknown as Parameters<typeof receiveEvidence>[1];
    expect(await receiveEvidence(undefined, ctx({ kind: 'image' }))).toEqual({ text: LOCAL_MODE_TEXT });
    expect(await receiveEvidence(undefined, ctx({ kind: 'text' }))).toEqual({ none: true });
  });
});

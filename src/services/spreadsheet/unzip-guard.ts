import { inflateRawSync } from 'node:zlib';
import { invalid } from '../../domain/errors.js';

/**
 * An .xlsx is a zip: a few hundred KB can inflate to gigabytes (a 492 KB file took 2.2 GB in
 * exceljs). Before exceljs opens it, the central directory's sizes are summed and every entry is
 * inflated once with a bounded output, so a directory that lies about its sizes is caught too.
 * A real list of a thousand rows inflates to a few MB.
 */
export const IMPORT_MAX_UNZIPPED = 50 * 1024 * 1024;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export const TOO_LARGE_UNZIPPED = `文件解压后超过 ${IMPORT_MAX_UNZIPPED / 1024 / 1024} MB，未导入。请删去无关的工作表、图片后重新发送，或分成几个文件。`;
const UNREADABLE = '无法读取该文件。请确认它是 Excel 工作簿（.xlsx，Excel 2007 及以上版本保存），未加密。';

function endOfDirectory(b: Buffer): number {
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--)
    if (b.readUInt32LE(i) === EOCD) return i;
  throw invalid(UNREADABLE);
}

/** Throws a DomainError when the workbook would inflate past `max` bytes, or is not a readable zip. */
export function assertUnzippedSize(bytes: Uint8Array, max = IMPORT_MAX_UNZIPPED): void {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = endOfDirectory(b);
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  let declared = 0;
  let actual = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== CENTRAL) throw invalid(UNREADABLE);
    const method = b.readUInt16LE(p + 10);
    const csize = b.readUInt32LE(p + 20);
    const usize = b.readUInt32LE(p + 24);
    const next = p + 46 + b.readUInt16LE(p + 28) + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    // Zip64 markers: no import file needs entries of 4 GB.
    if (usize === 0xffffffff || csize === 0xffffffff) throw invalid(TOO_LARGE_UNZIPPED);
    declared += usize;
    if (declared > max) throw invalid(TOO_LARGE_UNZIPPED);
    if (local + 30 > b.length || b.readUInt32LE(local) !== LOCAL) throw invalid(UNREADABLE);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const data = b.subarray(start, start + csize);
    if (method === 8) {
      try {
        actual += inflateRawSync(data, { maxOutputLength: max - actual + 1 }).length;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw invalid(TOO_LARGE_UNZIPPED);
        throw invalid(UNREADABLE);
      }
    } else actual += data.length;
    if (actual > max) throw invalid(TOO_LARGE_UNZIPPED);
    p = next;
  }
}

import { wallClock } from '../../domain/wall-clock.js';
import type { EvidenceJob } from './common.js';

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
};

const two = (n: number) => String(n).padStart(2, '0');

/** 图片-20260501-143005.jpg for images (Lark gives them no name); the sender's file name, made safe, for files. */
export function evidenceName(
  j: Pick<EvidenceJob, 'kind' | 'fileName'>,
  contentType: string,
  now: Date,
  tz: string,
): string {
  const clean = [...(j.fileName ?? '')]
    .map((c) => (c < ' ' || c === '/' || c === '\\' ? '_' : c))
    .join('')
    .trim()
    .slice(-200);
  if (j.kind === 'file' && clean) return clean;
  const w = wallClock(now, tz);
  const stamp = `${w.year}${two(w.month)}${two(w.day)}-${two(w.hour)}${two(w.minute)}${two(w.second)}`;
  return j.kind === 'image' ? `图片-${stamp}.${EXT[contentType] ?? 'png'}` : `文件-${stamp}`;
}

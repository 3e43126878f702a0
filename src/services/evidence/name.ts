import type { EvidenceJob } from './common.js';

const EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
};

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
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).formatToParts(now);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  const stamp = `${g('year')}${g('month')}${g('day')}-${g('hour')}${g('minute')}${g('second')}`;
  return j.kind === 'image' ? `图片-${stamp}.${EXT[contentType] ?? 'png'}` : `文件-${stamp}`;
}

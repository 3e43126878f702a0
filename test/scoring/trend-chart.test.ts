import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { trendChart } from '../../src/documents/trend-chart.js';

const MONTHS = ['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'];

async function colours(png: Buffer) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const data = g.getImageData(0, 0, img.width, img.height).data;
  const set = new Set<number>();
  for (let i = 0; i < data.length; i += 4) set.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return set;
}

describe('trend chart (the digest’s)', () => {
  it('is a valid PNG that is not blank, with gaps for months without data', async () => {
    const png = trendChart(MONTHS, [{ name: '办结率', values: [null, 0.2, 0.5, 0.5, 0.8, null] }], {
      title: '办结率趋势',
      percent: true,
    });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const c = await colours(png);
    expect(c.size).toBeGreaterThan(2);
    expect(c.has(0xc00000)).toBe(true); // the line
  });

  it('draws Chinese names with the CJK font (boxes would make two names look alike)', () => {
    const draw = (name: string) =>
      trendChart(MONTHS, [{ name, values: [0, 0, 0, 0, 0, 0] }], { title: '趋势' });
    expect(draw('办结率').equals(draw('满意率'))).toBe(false);
  });
});

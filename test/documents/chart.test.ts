import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CJK_FAMILY, closedRateChart, ensureCjkFont } from '../../src/documents/chart.js';

const BARS = [
  { label: '市人力资源和社会保障局', value: 0.9 },
  { label: '市民政局', value: 0.5 },
  { label: '市文化和旅游局', value: null },
];

async function pixels(png: Buffer) {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: g.getImageData(0, 0, img.width, img.height).data };
}

/** A label drawn alone, as the chart draws it. */
function label(text: string, family: string) {
  const c = createCanvas(200, 40);
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, 200, 40);
  g.fillStyle = '#000';
  g.font = `22px "${family}"`;
  g.fillText(text, 4, 28);
  return c.toBuffer('image/png');
}

describe('办结率 chart', () => {
  it('is a valid PNG that is not blank', async () => {
    const png = closedRateChart(BARS);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { width, height, data } = await pixels(png);
    expect([width, height]).toEqual([1200, 720]);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4)
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    expect(colours.size).toBeGreaterThan(2);
    expect(colours.has(0xc00000)).toBe(true); // the bars
  });

  it('draws unit names with the CJK font, not as boxes', async () => {
    expect(ensureCjkFont()).toBe(true);
    expect(GlobalFonts.has(CJK_FAMILY)).toBe(true);
    // Missing glyphs all draw as the same box: two different names would then look alike.
    expect(label('市民政局', CJK_FAMILY).equals(label('市教育局', CJK_FAMILY))).toBe(false);
    // CJK glyphs are full width: four characters at 22 px measure about 88 px.
    const g = createCanvas(10, 10).getContext('2d');
    g.font = `22px "${CJK_FAMILY}"`;
    expect(g.measureText('市民政局').width).toBeCloseTo(88, 0);
  });
});

import { createCanvas } from '@napi-rs/canvas';
import { CJK_FAMILY, ensureCjkFont } from './chart.js';

const W = 1200;
const H = 720;
const COLORS = ['#c00000', '#1f4e79', '#548235', '#bf8f00', '#7030a0', '#2e75b6'];

/**
 * Month-by-month lines as PNG (趋势): one line per series, months on the x axis, the y axis from
 * 0 to the largest value (0–100 % with `percent`). A month without data leaves a gap.
 */
export function trendChart(
  months: string[],
  series: { name: string; values: (number | null)[] }[],
  o: { title: string; percent?: boolean },
): Buffer {
  const family = ensureCjkFont() ? CJK_FAMILY : 'sans-serif';
  const c = createCanvas(W, H);
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  const [left, right, top, bottom] = [100, 40, 80, 150];
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = o.percent ? 1 : Math.max(1, ...all);
  g.fillStyle = '#000000';
  g.font = `34px "${family}"`;
  g.textAlign = 'center';
  g.fillText(o.title, W / 2, 50);
  g.font = `22px "${family}"`;
  g.strokeStyle = '#cccccc';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    g.beginPath();
    g.moveTo(left, y);
    g.lineTo(W - right, y);
    g.stroke();
    g.textAlign = 'right';
    const v = (max * i) / 4;
    g.fillText(o.percent ? `${Math.round(v * 100)}%` : String(Math.round(v * 10) / 10), left - 10, y + 8);
  }
  const x = (i: number) => left + (months.length <= 1 ? plotW / 2 : (plotW * i) / (months.length - 1));
  const y = (v: number) => top + plotH - (plotH * v) / max;
  g.textAlign = 'center';
  months.forEach((m, i) => {
    g.fillText(m, x(i), top + plotH + 32);
  });
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length]!;
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = 4;
    let open = false;
    g.beginPath();
    s.values.forEach((v, i) => {
      if (v === null) {
        open = false;
        return;
      }
      if (open) g.lineTo(x(i), y(v));
      else g.moveTo(x(i), y(v));
      open = true;
    });
    g.stroke();
    s.values.forEach((v, i) => {
      if (v !== null) g.fillRect(x(i) - 6, y(v) - 6, 12, 12);
    });
    // Legend under the axis, one entry per series.
    const lx = left + k * 260;
    g.fillRect(lx, H - 60, 30, 12);
    g.fillStyle = '#000000';
    g.textAlign = 'left';
    g.fillText(s.name, lx + 40, H - 48);
    g.textAlign = 'center';
  });
  return c.toBuffer('image/png');
}

import { chartFrame } from './chart.js';

/** The frame's height (chart.ts draws W×H). */
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
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = o.percent ? 1 : Math.max(1, ...all);
  const tick = (i: number) => {
    const v = (max * i) / 4;
    return o.percent ? `${Math.round(v * 100)}%` : String(Math.round(v * 10) / 10);
  };
  const {
    g,
    canvas: c,
    left,
    top,
    plotW,
    plotH,
  } = chartFrame({
    title: o.title,
    titlePx: 34,
    margins: [100, 40, 80, 150],
    tick,
  });
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

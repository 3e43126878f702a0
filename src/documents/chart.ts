import { existsSync } from 'node:fs';
import { type Canvas, createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';

/**
 * The 办结率-by-unit bar chart as PNG. Unit names need a CJK font: without one the canvas draws
 * boxes, so the first font found is registered under one family name and every label asks for it.
 */
export const CJK_FAMILY = 'DubanCJK';
const CANDIDATES = [
  process.env.CJK_FONT_PATH,
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/System/Library/Fonts/PingFang.ttc',
  'C:\\Windows\\Fonts\\msyh.ttc',
];

let registered: boolean | undefined;
/** Registers a CJK font once; false when none is installed (labels would be boxes). */
export function ensureCjkFont(): boolean {
  if (registered !== undefined) return registered;
  registered = false;
  for (const p of CANDIDATES) {
    if (p && existsSync(p) && GlobalFonts.registerFromPath(p, CJK_FAMILY)) {
      registered = true;
      break;
    }
  }
  return registered;
}

export interface ChartBar {
  label: string;
  /** 0..1, or null (no problems: no bar, "—"). */
  value: number | null;
}

const W = 1200;
const H = 720;

/** The plot area of a chart frame, in pixels. */
export interface Frame {
  g: SKRSContext2D;
  canvas: Canvas;
  family: string;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
}

/**
 * A white W×H canvas with the title centred on top and five gridlines (0 to 4 quarters of the
 * axis), each labelled by `tick(i)` at the left: the frame both charts draw into.
 */
export function chartFrame(o: {
  title: string;
  titlePx: number;
  family?: string;
  margins: [left: number, right: number, top: number, bottom: number];
  tick: (quarter: number) => string;
}): Frame {
  const family = o.family ?? (ensureCjkFont() ? CJK_FAMILY : 'sans-serif');
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  const [left, right, top, bottom] = o.margins;
  const plotH = H - top - bottom;
  const plotW = W - left - right;
  g.fillStyle = '#000000';
  g.font = `${o.titlePx}px "${family}"`;
  g.textAlign = 'center';
  g.fillText(o.title, W / 2, 50);
  g.font = `22px "${family}"`;
  g.textAlign = 'right';
  g.strokeStyle = '#cccccc';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    g.beginPath();
    g.moveTo(left, y);
    g.lineTo(W - right, y);
    g.stroke();
    g.fillText(o.tick(i), left - 10, y + 8);
  }
  return { g, canvas, family, left, top, plotW, plotH };
}

/** Horizontal layout is easier to read, but 公文 charts are column charts: keep columns. */
export function closedRateChart(bars: ChartBar[], o: { title?: string; family?: string } = {}): Buffer {
  // Axis and gridlines at 0, 25, 50, 75, 100 %.
  const {
    g,
    canvas: c,
    family,
    left,
    top,
    plotW,
    plotH,
  } = chartFrame({
    title: o.title ?? '各单位办结率',
    titlePx: 36,
    family: o.family,
    margins: [90, 30, 80, 170],
    tick: (i) => `${i * 25}%`,
  });
  const n = Math.max(1, bars.length);
  const slot = plotW / n;
  const bw = Math.min(80, slot * 0.6);
  bars.forEach((b, i) => {
    const x = left + slot * i + (slot - bw) / 2;
    const cx = left + slot * i + slot / 2;
    g.fillStyle = '#c00000';
    if (b.value !== null) {
      const h = plotH * Math.max(0, Math.min(1, b.value));
      g.fillRect(x, top + plotH - h, bw, h);
    }
    g.fillStyle = '#000000';
    g.textAlign = 'center';
    g.font = `22px "${family}"`;
    const v = b.value === null ? '—' : `${(b.value * 100).toFixed(1)}%`;
    const vy =
      b.value === null ? top + plotH - 8 : top + plotH - plotH * Math.max(0, Math.min(1, b.value)) - 8;
    g.fillText(v, cx, vy);
    drawLabel(g, b.label, cx, top + plotH + 32, slot, family);
  });
  return c.toBuffer('image/png');
}

/** A unit name under its bar, wrapped onto up to three lines when the slot is narrow. */
function drawLabel(
  g: ReturnType<ReturnType<typeof createCanvas>['getContext']>,
  label: string,
  cx: number,
  y: number,
  slot: number,
  family: string,
) {
  g.font = `22px "${family}"`;
  const chars = [...label];
  const perLine = Math.max(2, Math.floor((slot - 8) / 22));
  const lines: string[] = [];
  for (let i = 0; i < chars.length && lines.length < 3; i += perLine)
    lines.push(chars.slice(i, i + perLine).join(''));
  lines.forEach((l, k) => {
    g.fillText(l, cx, y + k * 28);
  });
}

import type { ChartBar } from './chart.js';

/**
 * The chart renderer, registered by the Node entry (src/entry/service.ts) because @napi-rs/canvas
 * is a native module: the Workers bundle never imports it, finds none here, and the 通报 goes
 * without its chart and says so (docs/decisions/0013-documents.md).
 */
export interface ChartRenderer {
  closedRate(bars: ChartBar[], o?: { title?: string }): Buffer;
  /** Month-by-month lines (trend): one series per name, values per month (null: no data). */
  trend(
    months: string[],
    series: { name: string; values: (number | null)[] }[],
    o: { title: string; percent?: boolean },
  ): Buffer;
}

let renderer: ChartRenderer | null = null;

export function registerChartRenderer(r: ChartRenderer | null): void {
  renderer = r;
}

export function chartRenderer(): ChartRenderer | null {
  return renderer;
}

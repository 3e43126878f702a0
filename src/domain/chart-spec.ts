/** A VChart stacked bar spec Lark renders itself (a card's `chart` element): one bar per x, stacked by series. */
export function stackedBarSpec(o: {
  id: string;
  values: Record<string, unknown>[];
  x: string;
  y: string;
  series: string;
  color?: string[];
}): Record<string, unknown> {
  return {
    type: 'bar',
    data: [{ id: o.id, values: o.values }],
    xField: o.x,
    yField: o.y,
    seriesField: o.series,
    stack: true,
    ...(o.color ? { color: o.color } : {}),
    legends: { visible: true, orient: 'bottom' },
    axes: [{ orient: 'bottom', label: { autoRotate: true } }],
  };
}

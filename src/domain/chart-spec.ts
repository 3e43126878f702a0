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

/** A VChart line spec Lark renders itself: one point per x (a month), values as percentages. */
export function percentLineSpec(o: {
  id: string;
  points: { x: string; rate: number | null }[];
  name: string;
}) {
  return {
    type: 'line',
    data: [
      {
        id: o.id,
        values: o.points
          .filter((p) => p.rate !== null)
          .map((p) => ({ x: p.x, y: Math.round(p.rate! * 1000) / 10, series: o.name })),
      },
    ],
    xField: 'x',
    yField: 'y',
    seriesField: 'series',
    point: { visible: true },
    label: { visible: true },
    legends: { visible: true, orient: 'bottom' },
    axes: [{ orient: 'left', min: 0, max: 100 }],
  } satisfies Record<string, unknown>;
}

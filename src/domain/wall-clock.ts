/** The wall clock of a time zone at an instant: year, month (1-12), day, hour (0-23), minute, second. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

export function wallClock(at: Date, tz: string): WallClock {
  let f = formats.get(tz);
  if (!f) {
    // h23, not hour12: false, which writes midnight as 24 in some locales.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  const p = f.formatToParts(at);
  const g = (t: string) => Number(p.find((x) => x.type === t)?.value ?? 0);
  return {
    year: g('year'),
    month: g('month'),
    day: g('day'),
    hour: g('hour'),
    minute: g('minute'),
    second: g('second'),
  };
}

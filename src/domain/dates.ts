/** Dates are plain 'YYYY-MM-DD' strings in APP_TIMEZONE; instants are Date (UTC). */

const dayFormats = new Map<string, Intl.DateTimeFormat>();

export function todayIn(now: Date, tz: string): string {
  let f = dayFormats.get(tz);
  if (!f) {
    // en-CA formats as YYYY-MM-DD. Building a formatter is costly; sweeps call this per problem.
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(tz, f);
  }
  return f.format(now);
}

export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** 2026年12月31日 — how cards show dates. */
export function formatDateCn(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}

/** 2026年11月26日 14:05 in APP_TIMEZONE. */
export function formatInstantCn(at: Date, tz: string): string {
  const p = new Intl.DateTimeFormat('zh-CN', {
    timeZone: tz,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(at);
  const get = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${get('year')}年${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}`;
}

/** Lark date pickers send "2026-12-31 +0800"; people type 2026-12-31, 2026/12/31 or 2026年12月31日. */
export function parseDateInput(s: string): string | undefined {
  const t = s.trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+[+-]\d{4})?$/.exec(t);
  if (!m) m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(t);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isValidDate(iso) ? iso : undefined;
}

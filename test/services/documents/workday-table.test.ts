import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDays } from '../../../db/schema/index.js';
import { rowsOf } from '../../../src/db.js';
import { addDays, weekday } from '../../../src/domain/dates.js';
import type { Database } from '../../../src/entry/database.js';
import { loadCalendar } from '../../../src/services/calendar/load.js';
import { fillWorkdays, workdaysAfterSql } from '../../../src/services/documents/workday-table.js';
import { createTestDatabase } from '../../support/db.js';

let d: Database;
beforeAll(async () => {
  d = await createTestDatabase();
  // An admin override (a Monday off) must reach SQL too.
  await d.db
    .insert(calendarDays)
    .values({ date: '2026-11-16', workday: false, name: '停电', source: 'override' });
});
afterAll(() => d.close());

describe('workdays table', () => {
  it('agrees with the calendar module day by day, 2025–2027 (2027: statutory fallback)', async () => {
    const cal = await loadCalendar(d.db);
    expect(await fillWorkdays(d.db, cal, 2025, 2027)).toBe(365 * 3);
    const rows = rowsOf<{ date: string; workday: number }>(
      await d.db.execute(
        sql`select to_char(date, 'YYYY-MM-DD') as date, workday from workdays order by date`,
      ),
    );
    expect(rows.length).toBe(365 * 3);
    const mismatches = rows.filter((r) => (r.workday === 1) !== cal.isWorkday(r.date));
    expect(mismatches).toEqual([]);
    // Not weekday arithmetic: 调休 Saturdays are workdays, holidays on weekdays are not, the override holds.
    expect(rows.some((r) => r.workday === 1 && [0, 6].includes(weekday(r.date)))).toBe(true);
    expect(
      rows.some((r) => r.workday === 0 && ![0, 6].includes(weekday(r.date)) && r.date > '2027-01-01'),
    ).toBe(true);
    expect(rows.find((r) => r.date === '2026-11-16')?.workday).toBe(0);
  });

  it('counts workdays between two dates in SQL as the calendar does', async () => {
    const cal = await loadCalendar(d.db);
    await fillWorkdays(d.db, cal, 2025, 2027);
    const pairs: [string, string][] = [];
    for (let i = 0; i < 40; i++) {
      const a = addDays('2025-01-01', (i * 97) % 1000);
      pairs.push([a, addDays(a, (i * 37) % 120)]);
    }
    pairs.push(['2026-09-30', '2026-10-09'], ['2026-11-13', '2026-11-17'], ['2026-12-31', '2027-01-04']);
    const json = JSON.stringify(pairs.map(([a, b]) => ({ a, b })));
    const got = rowsOf<{ a: string; b: string; n: number }>(
      await d.db.execute(sql`select a, b, ${workdaysAfterSql(sql`x.a`, sql`x.b`)} as n
        from jsonb_to_recordset(${json}::jsonb) as x(a text, b text)`),
    );
    for (const r of got) expect([r.a, r.b, Number(r.n)]).toEqual([r.a, r.b, cal.workdaysAfter(r.a, r.b)]);
  });

  it('a refill after a calendar change updates the day and the running count', async () => {
    await d.db
      .insert(calendarDays)
      .values({ date: '2026-11-21', workday: true, name: '补班', source: 'override' });
    const cal = await loadCalendar(d.db);
    await fillWorkdays(d.db, cal, 2026, 2026);
    const [r] = rowsOf<{ n: number }>(
      await d.db.execute(sql`select ${workdaysAfterSql(sql`'2026-11-20'`, sql`'2026-11-23'`)} as n`),
    );
    expect(Number(r?.n)).toBe(cal.workdaysAfter('2026-11-20', '2026-11-23'));
    expect(Number(r?.n)).toBe(2);
  });
});

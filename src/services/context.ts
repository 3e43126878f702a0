import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import type { WorkdayCalendar } from '../domain/calendar.js';
import type { Directory } from './directory.js';
import type { Role } from './people/read.js';

/** Who acts: resolved from the database on every event and click, never from a card's value. */
export interface Actor {
  openId: string;
  name: string;
  roles: Set<Role>;
}

/** What every business operation gets: its transaction, who acts, when, and the rules' inputs. */
export interface ServiceCtx {
  tx: Tx;
  actor: Actor;
  now: Date;
  config: Config;
  calendar: WorkdayCalendar;
  directory: Directory;
}

/**
 * What a transport's context (a chat command's, a card click's) carries that a ServiceCtx is
 * built from; the calendar is loaded from the database (src/services/ctx-from.ts).
 */
export type ServiceCtxSource = Omit<ServiceCtx, 'calendar'>;

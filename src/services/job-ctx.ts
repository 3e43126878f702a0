import type { Config } from '../config.js';
import type { Tx } from '../db.js';
import { loadCalendar } from './calendar/load.js';
import type { ServiceCtx } from './context.js';
import type { Directory } from './directory.js';
import { resolveName, rolesOf } from './people/read.js';

/**
 * A person acting in a job, as services expect them (history and audit name them). `directory`
 * is the job's prepared one (finishWithLookups): nothing here waits on Lark inside the transaction.
 */
export async function jobCtx(
  deps: { config: Config },
  directory: Directory,
  tx: Tx,
  openId: string,
  now: Date,
): Promise<ServiceCtx> {
  const actor = {
    openId,
    name: await resolveName(tx, directory, openId, { now }),
    roles: await rolesOf(tx, openId, deps.config.adminOpenIds),
  };
  return { tx, actor, now, config: deps.config, directory, calendar: await loadCalendar(tx) };
}

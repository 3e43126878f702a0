import type { ActionContext } from '../actions/context.js';
import type { CommandContext } from '../chat/context.js';
import { loadCalendar } from './calendar/load.js';
import type { ServiceCtx } from './context.js';

/** The service context of a chat command or a card click. */
export async function serviceCtx(
  c: Pick<CommandContext | ActionContext, 'tx' | 'actor' | 'now' | 'config' | 'directory'>,
): Promise<ServiceCtx> {
  return {
    tx: c.tx,
    actor: c.actor,
    now: c.now,
    config: c.config,
    directory: c.directory,
    calendar: await loadCalendar(c.tx),
  };
}

import type { CommandSpec } from '../context.js';
import { assignCommand } from './assign.js';
import { helpCommand } from './help.js';
import { roleCommand } from './role.js';
import { contactCommand, unitCommand } from './unit.js';
import { whoamiCommand } from './whoami.js';

/** The command table: one entry per command, each in its own file. Order is the order /帮助 shows. */
export const COMMANDS: CommandSpec[] = [];
COMMANDS.push(
  helpCommand(() => COMMANDS),
  whoamiCommand,
  assignCommand,
  unitCommand,
  contactCommand,
  roleCommand,
);

const byName = new Map<string, CommandSpec>();
for (const c of COMMANDS) for (const n of c.names) byName.set(n.toLowerCase(), c);

export function findCommand(name: string): CommandSpec | undefined {
  return byName.get(name.toLowerCase());
}

export function commandNames(): string[] {
  return [...byName.keys()];
}

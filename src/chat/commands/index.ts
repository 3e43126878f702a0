import type { CommandSpec } from '../context.js';
import { assignCommand } from './assign.js';
import { auditCommand } from './audit.js';
import { calendarCommand } from './calendar.js';
import { campaignCommand } from './campaign.js';
import { digestCommand } from './digest.js';
import { reportCommand, urgeCommand } from './documents.js';
import { evaluatedUnitsCommand, pollCommand, voteCommand } from './evaluation.js';
import { exportCommand, importTemplateCommand } from './export.js';
import { anonymousCommand, feedbackLookupCommand, triageCommand } from './feedback.js';
import { groupCommand } from './group.js';
import { helpCommand } from './help.js';
import { listCommand } from './list.js';
import { noticeCommand } from './notice.js';
import { publishCommand } from './publish.js';
import { reinspectCommand } from './reinspect.js';
import { unsatisfiedCommand } from './revisit.js';
import { roleCommand } from './role.js';
import { scoringCommand } from './scoring.js';
import { showCommand } from './show.js';
import { rankCommand, statsCommand } from './stats.js';
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
  digestCommand,
  anonymousCommand,
  feedbackLookupCommand,
  triageCommand,
);
COMMANDS.push(showCommand, listCommand, statsCommand, rankCommand, groupCommand, auditCommand);
COMMANDS.push(calendarCommand);
COMMANDS.push(exportCommand, importTemplateCommand);
COMMANDS.push(evaluatedUnitsCommand, pollCommand, voteCommand, reinspectCommand);
COMMANDS.push(publishCommand);
COMMANDS.push(noticeCommand, urgeCommand, reportCommand, scoringCommand);
COMMANDS.push(campaignCommand);
COMMANDS.push(unsatisfiedCommand);

const byName = new Map<string, CommandSpec>();
for (const c of COMMANDS) for (const n of c.names) byName.set(n.toLowerCase(), c);

export function findCommand(name: string): CommandSpec | undefined {
  return byName.get(name.toLowerCase());
}

export function commandNames(): string[] {
  return [...byName.keys()];
}

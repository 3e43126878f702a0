import { helpCard } from '../../../cards/help.js';
import type { CommandSpec } from '../context.js';
import { allowed } from '../permissions.js';

export function helpCommand(all: () => CommandSpec[]): CommandSpec {
  return {
    names: ['帮助', 'help'],
    readOnly: true,
    who: 'anyone',
    usage: '/帮助',
    summary: '查看您可以使用的命令及示例。',
    async run(ctx) {
      const mine = all().filter((c) => allowed(c.who, ctx.actor.roles));
      return { card: helpCard(ctx.actor.roles, mine) };
    },
  };
}

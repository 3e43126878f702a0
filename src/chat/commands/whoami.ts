import { whoamiCard } from '../../../cards/whoami.js';
import { whoami } from '../../services/people/whoami.js';
import type { CommandSpec } from '../context.js';

export const whoamiCommand: CommandSpec = {
  names: ['我是谁', 'whoami'],
  readOnly: true,
  who: 'anyone',
  usage: '/我是谁',
  summary: '查看自己的 open_id、姓名、角色和联络单位。',
  async run(ctx) {
    return { card: whoamiCard(await whoami(ctx)) };
  },
};

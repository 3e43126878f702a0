import { roleLabels } from './help.js';
import { type Card, card, field, note } from './kit.js';

export function whoamiCard(p: {
  openId: string;
  name: string;
  roles: Iterable<string>;
  units: string[];
}): Card {
  return card(
    '我的身份',
    [
      field('姓名', p.name),
      field('open_id', p.openId),
      field('角色', roleLabels(p.roles)),
      field('联络单位', p.units.length ? p.units.join('、') : '无'),
      note('管理员可将 open_id 填入 ADMIN_OPEN_IDS 环境变量。'),
    ],
    { color: 'wathet', enTitle: 'Who am I' },
  );
}

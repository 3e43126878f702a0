import { type Card, card, hr, md, note, text } from './kit.js';

export interface HelpEntry {
  usage: string;
  summary: string;
  example?: string;
}

const ROLE_LABEL: Record<string, string> = { admin: '管理员', staff: '工作人员', supervisor: '督导组成员' };

export function roleLabels(roles: Iterable<string>): string {
  const list = [...roles].map((r) => ROLE_LABEL[r] ?? r);
  return list.length ? list.join('、') : '无（可使用查询类命令；承办单位联络员由工作人员添加）';
}

export function helpCard(roles: Iterable<string>, entries: HelpEntry[], unitNames: string[] = []): Card {
  const lines = entries.map(
    (e) => `**${e.usage}**\n${e.summary}${e.example ? `\n示例：\`${e.example}\`` : ''}`,
  );
  return card(
    '督办助手 · 使用说明',
    [
      text(`您的角色：${roleLabels(roles)}${unitNames.length ? `；联络单位：${unitNames.join('、')}` : ''}`),
      hr(),
      md(lines.join('\n\n')),
      hr(),
      note('命令可在与机器人的单聊中发送，或在群聊中 @机器人 后发送。中英文命令名等效，全角冒号、逗号亦可。'),
    ],
    { color: 'blue', enTitle: 'duban · Help' },
  );
}

import type { Config } from '../../config.js';
import { formatDateCn } from '../../domain/dates.js';

/** Lark's cap on a task's summary and description (characters). */
const TEXT_MAX = 3000;

export interface TaskFacts {
  code: string;
  title: string;
  deadline: string;
  state: string;
  closedAt: Date | null;
  leadUnit: string;
}

/**
 * Lark messages and tasks have no URL of a problem: the task links to the bot's chat (applink),
 * where /查看 <编号> shows it. Feishu's applink host, or Lark's for an international tenant.
 */
export function botLink(config: Config): string | undefined {
  if (!config.lark) return undefined;
  const host = config.lark.baseUrl.includes('larksuite') ? 'applink.larksuite.com' : 'applink.feishu.cn';
  return `https://${host}/client/bot/open?appId=${encodeURIComponent(config.lark.appId)}`;
}

const cut = (s: string) => [...s].slice(0, TEXT_MAX).join('');

/** An all-day due: Lark takes the UTC date of the timestamp (ms, as a string). */
export const dueOf = (deadline: string) => ({
  timestamp: String(Date.parse(`${deadline}T00:00:00Z`)),
  is_all_day: true,
});

/** The task's fields as a problem has them now: 销号 completes it, anything else leaves it open. */
export function taskFields(p: TaskFacts, config: Config) {
  const link = botLink(config);
  const lines = [
    `编号：${p.code}`,
    `问题：${p.title}`,
    `牵头单位：${p.leadUnit}`,
    `整改期限：${formatDateCn(p.deadline)}`,
    '在督办机器人中办理：签收、反馈进展、提交佐证、申请销号（发送 /查看 编号）。',
    '在此勾选完成不等于销号：销号须经督导组审核。',
    ...(link ? [link] : []),
  ];
  return {
    summary: cut(`【督办】${p.code} ${p.title}`),
    description: cut(lines.join('\n')),
    due: dueOf(p.deadline),
    completed_at: p.state === 'closed' && p.closedAt ? String(p.closedAt.getTime()) : '0',
  };
}

export const assignees = (openIds: string[]) => openIds.map((id) => ({ id, type: 'user', role: 'assignee' }));

export function createBody(p: TaskFacts, contacts: string[], config: Config) {
  const { completed_at: _open, ...fields } = taskFields(p, config);
  const link = botLink(config);
  return {
    ...fields,
    members: assignees(contacts),
    ...(link
      ? {
          origin: {
            platform_i18n_name: { zh_cn: '督办', en_us: 'Duban' },
            href: { url: link, title: p.code },
          },
        }
      : {}),
  };
}

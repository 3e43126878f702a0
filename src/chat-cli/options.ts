import { join, resolve } from 'node:path';

/** `npm run chat -- [--fresh] [--force] [--help]` */
export interface ChatArgs {
  fresh: boolean;
  force: boolean;
  help: boolean;
}

export const USAGE = [
  '用法：npm run chat [-- --fresh] [-- --force]',
  '  --fresh  清空聊天自己的数据库（CHAT_DATA_DIR）后开始，问题编号从 001 起',
  '  --force  即使设置了 LARK_APP_ID 也使用 DATABASE_URL（会把那里待发的消息投给本地替身，慎用）',
  '环境变量：CHAT_DATA_DIR（默认 <DATA_DIR>/chat，即 ./data/chat）、DATABASE_URL、APP_TIMEZONE、LOG_LEVEL、CHAT_LOG',
].join('\n');

export function parseChatArgs(argv: string[]): ChatArgs {
  const out: ChatArgs = { fresh: false, force: false, help: false };
  for (const a of argv) {
    if (a === '--fresh') out.fresh = true;
    else if (a === '--force') out.force = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else throw new Error(`无法识别的参数「${a}」。\n${USAGE}`);
  }
  return out;
}

export type DatabaseChoice =
  | { kind: 'url'; url: string }
  | { kind: 'dir'; dir: string; fresh: boolean }
  | { kind: 'refused'; message: string };

/**
 * Which database the chat opens. Its own PGlite directory by default (`<DATA_DIR>/chat`), not the
 * service's: the chat's cast, units and cards are play data, and its dispatcher delivers whatever
 * the outbox holds to the local stand-in, so sharing a real deployment's database would swallow
 * that deployment's pending messages. DATABASE_URL is honoured, but not next to LARK_APP_ID
 * (a real deployment) unless --force.
 */
export function chooseDatabase(env: Record<string, string | undefined>, args: ChatArgs): DatabaseChoice {
  const larkApp = Boolean(env.LARK_APP_ID?.trim());
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (args.fresh)
      return {
        kind: 'refused',
        message: '--fresh 只清空聊天自己的 PGlite 目录；设置了 DATABASE_URL 时不可用。',
      };
    if (larkApp && !args.force)
      return {
        kind: 'refused',
        message:
          'DATABASE_URL 与 LARK_APP_ID 同时设置，看起来是正式部署的数据库。npm run chat 自带服务和本地飞书替身，' +
          '会把该库中待发送的消息投递给替身（真实用户收不到），并写入演示人物和数据。\n' +
          '请去掉 DATABASE_URL 使用聊天自己的目录（默认 ./data/chat），或确认无误后加 --force。',
      };
    return { kind: 'url', url };
  }
  const serviceDir = env.DATA_DIR?.trim() || './data';
  const dir = env.CHAT_DATA_DIR?.trim() || join(serviceDir, 'chat');
  const sharesServiceDir = resolve(dir) === resolve(serviceDir);
  if (sharesServiceDir && args.fresh)
    return {
      kind: 'refused',
      message: `--fresh 会清空 ${resolve(dir)}，那是服务（npm start）的数据目录；不清空。请为聊天另设 CHAT_DATA_DIR。`,
    };
  if (sharesServiceDir && larkApp && !args.force)
    return {
      kind: 'refused',
      message:
        `CHAT_DATA_DIR 指向服务的数据目录 ${resolve(dir)}，且设置了 LARK_APP_ID。npm run chat 会把其中待发送的消息` +
        '投递给本地飞书替身，并写入演示人物和数据。请另设 CHAT_DATA_DIR，或确认无误后加 --force。',
    };
  return { kind: 'dir', dir, fresh: args.fresh };
}

/**
 * The cast `npm run chat` plays: people registered in the local Lark stand-in (so the service's
 * contact look-ups by e-mail or mobile find them). Only the admin has a role from the start
 * (ADMIN_OPEN_IDS); the others get theirs the way real people do, by /角色 and /联络员.
 */
export interface Person {
  /** 1-based position, for `:as 3`. */
  n: number;
  openId: string;
  name: string;
  /** The part this person plays in the walkthrough (a hint, not a granted role). */
  part: string;
  email: string;
  mobile: string;
}

export const CAST: readonly Person[] = [
  {
    n: 1,
    openId: 'ou_chat_admin',
    name: '管理员',
    part: '管理员',
    email: 'admin@example.com',
    mobile: '13800000001',
  },
  {
    n: 2,
    openId: 'ou_chat_wangmin',
    name: '王敏',
    part: '工作人员',
    email: 'wangmin@example.com',
    mobile: '13800000002',
  },
  {
    n: 3,
    openId: 'ou_chat_liqiang',
    name: '李强',
    part: '督导',
    email: 'liqiang@example.com',
    mobile: '13800000003',
  },
  {
    n: 4,
    openId: 'ou_chat_zhangwei',
    name: '张伟',
    part: '联络员',
    email: 'zhangwei@example.com',
    mobile: '13800000004',
  },
  {
    n: 5,
    openId: 'ou_chat_liufang',
    name: '刘芳',
    part: '联络员',
    email: 'liufang@example.com',
    mobile: '13800000005',
  },
];

export const ADMIN: Person = CAST[0]!;

/** `3`, `张伟`, `zhangwei`, `zhangwei@example.com`, `ou_chat_zhangwei` or `联络员` (the first one playing it). */
export function findPerson(query: string, cast: readonly Person[] = CAST): Person | undefined {
  const q = query.trim().replace(/^@/, '');
  if (!q) return undefined;
  if (/^\d+$/.test(q)) return cast.find((p) => p.n === Number(q));
  const lower = q.toLowerCase();
  return (
    cast.find((p) => p.name === q || p.openId === q || p.email.toLowerCase() === lower) ??
    cast.find((p) => p.email.toLowerCase().startsWith(`${lower}@`)) ??
    cast.find((p) => p.part === q)
  );
}

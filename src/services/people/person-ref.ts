import { z } from 'zod';
import type { Conn } from '../../db.js';
import { conflict, invalid, notFound } from '../../domain/errors.js';
import { type Directory, DirectoryUnavailable } from '../directory.js';
import { resolveName } from './read.js';

/** People @-mentioned in a message, other than the bot (the transport maps its platform's shape to this). */
export type Mentions = readonly { openId: string; name: string }[];

/** A person a verb acts on, as resolvePerson answers it. */
export const PersonInput = z.object({ openId: z.string().min(1), name: z.string() });
export type Person = z.infer<typeof PersonInput>;

/**
 * A person named in a command: an @mention, an e-mail address or a mobile number (looked up
 * through the contact API), or an open_id. In a one-to-one chat there is nobody to @.
 */
export async function resolvePerson(
  conn: Conn,
  directory: Directory,
  mentions: Mentions,
  token: string,
  now: Date,
): Promise<Person> {
  const t = token.trim();
  if (t.startsWith('@')) {
    const m = mentions.find((x) => `@${x.name}` === t) ?? (mentions.length === 1 ? mentions[0] : undefined);
    if (!m) throw invalid(`无法识别「${t}」，请 @ 该人员，或写其邮箱、手机号。`);
    return {
      openId: m.openId,
      name: await resolveName(conn, directory, m.openId, { fallbackName: m.name, now }),
    };
  }
  let openId: string | undefined;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t)) {
    openId = await asked(directory.findByEmail(t));
    if (!openId) throw notFound(`通讯录中未找到邮箱为 ${t} 的人员，请核对，或改用 @ 或手机号。`);
  } else if (/^\+?\d[\d-]{6,}$/.test(t)) {
    const mobile = t.replace(/-/g, '');
    openId = await asked(directory.findByMobile(mobile.startsWith('+') ? mobile : `+86${mobile}`));
    openId ??= await asked(directory.findByMobile(mobile));
    if (!openId) throw notFound(`通讯录中未找到手机号为 ${t} 的人员，请核对，或改用 @ 或邮箱。`);
  } else if (/^ou_[\w-]+$/.test(t)) {
    openId = t;
  } else {
    throw invalid(`无法识别人员「${t}」，请使用 @、邮箱或手机号。`);
  }
  return { openId, name: await resolveName(conn, directory, openId, { now }) };
}

/** "Not found" and "could not ask" are different answers: the second is worth trying again. */
async function asked(p: Promise<string | undefined>): Promise<string | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof DirectoryUnavailable)
      throw conflict('通讯录暂时无法查询，请稍后重试，或直接 @ 该人员。');
    throw e;
  }
}

import type { Conn } from '../../db.js';
import type { Directory } from '../directory.js';
import { type Mentions, resolvePerson } from '../people/person-ref.js';
import type { AssignInput } from './assign.js';

const LOOKS_LIKE_PERSON = /^(@|ou_[\w-]+$|[^\s@]+@[^\s@]+\.[^\s@]+$|\+?\d[\d-]{6,}$)/;

/**
 * 提出人 as typed, in a command or the /交办 form: an @mention, e-mail, mobile number or open_id is
 * a Lark person (looked up as contacts are); any other text a 人大代表 by name.
 */
export async function raiserFromText(
  conn: Conn,
  directory: Directory,
  mentions: Mentions,
  text: string,
  now: Date,
): Promise<NonNullable<AssignInput['raiser']>> {
  const t = text.trim();
  if (!LOOKS_LIKE_PERSON.test(t)) return { kind: 'deputy', name: t };
  const p = await resolvePerson(conn, directory, mentions, t, now);
  return { kind: 'person', openId: p.openId, name: p.name };
}

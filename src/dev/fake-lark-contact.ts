/** The fake's contact endpoints: batch_get_id by email/mobile and users/:id. */

import {
  type Ctx,
  type FakeState,
  fail,
  findUser,
  idOf,
  normMobile,
  ok,
  type Reply,
  STATUS,
  strList,
} from './fake-lark-core.js';
import { LarkCodes } from './fake-lark-types.js';

export function batchGetId(s: FakeState, ctx: Ctx): Reply {
  const type = ctx.query.get('user_id_type') ?? 'open_id';
  const users = [...s.fake.users.values()];
  // Unknown emails/mobiles come back as entries without user_id (official doc example).
  const byEmail = strList(ctx.json.emails).map((email) => {
    const u = users.find((x) => x.email?.toLowerCase() === email.toLowerCase());
    return u ? { user_id: idOf(u, type), email, status: STATUS } : { email };
  });
  const byMobile = strList(ctx.json.mobiles).map((mobile) => {
    const u = users.find((x) => x.mobile !== undefined && normMobile(x.mobile) === normMobile(mobile));
    return u ? { user_id: idOf(u, type), mobile, status: STATUS } : { mobile };
  });
  return ok({ user_list: [...byEmail, ...byMobile] });
}

export function getUser(s: FakeState, ctx: Ctx): Reply {
  const type = ctx.query.get('user_id_type') ?? 'open_id';
  const id = ctx.params[0] ?? '';
  if ((type === 'open_id' && !id.startsWith('ou_')) || (type === 'union_id' && !id.startsWith('on_'))) {
    return fail(LarkCodes.invalidUserId, 'user id invalid error');
  }
  const u = findUser(s, type, id);
  if (!u) return fail(LarkCodes.noUserAuthority, 'no user authority');
  return ok({ user: { ...u, status: STATUS, department_ids: [], avatar: {} } });
}

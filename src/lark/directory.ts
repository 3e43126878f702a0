import type * as lark from '@larksuiteoapi/node-sdk';
import { type Directory, DirectoryUnavailable, type DirectoryUser } from '../services/directory.js';

/** A refusal (4xx with a code) means "not found or not visible"; anything else is not an answer. */
function failure(e: unknown): undefined {
  const status = (e as { response?: { status?: number } })?.response?.status;
  if (status !== undefined && status < 500 && status !== 429) return undefined;
  throw new DirectoryUnavailable(e);
}

export class LarkDirectory implements Directory {
  constructor(private readonly client: lark.Client) {}

  async get(openId: string): Promise<DirectoryUser | undefined> {
    try {
      const r = await this.client.contact.user.get({
        path: { user_id: openId },
        params: { user_id_type: 'open_id' },
      });
      const u = r?.data?.user;
      if (!u?.name) return undefined;
      return {
        openId,
        name: u.name,
        unionId: u.union_id ?? undefined,
        userId: u.user_id ?? undefined,
        email: u.email ?? undefined,
        mobile: u.mobile ?? undefined,
      };
    } catch (e) {
      return failure(e);
    }
  }

  private async batch(data: { emails?: string[]; mobiles?: string[] }): Promise<string | undefined> {
    try {
      const r = await this.client.contact.user.batchGetId({ params: { user_id_type: 'open_id' }, data });
      return r?.data?.user_list?.find((u) => u.user_id)?.user_id ?? undefined;
    } catch (e) {
      return failure(e);
    }
  }

  findByEmail(email: string) {
    return this.batch({ emails: [email] });
  }

  findByMobile(mobile: string) {
    return this.batch({ mobiles: [mobile] });
  }
}

import type * as lark from '@larksuiteoapi/node-sdk';

export interface DirectoryUser {
  openId: string;
  name: string;
  unionId?: string;
  userId?: string;
  email?: string;
  mobile?: string;
}

/** The contact API: names for open_ids, open_ids for e-mails and mobile numbers. */
export interface Directory {
  get(openId: string): Promise<DirectoryUser | undefined>;
  findByEmail(email: string): Promise<string | undefined>;
  findByMobile(mobile: string): Promise<string | undefined>;
}

/** Local mode: nobody to ask; names come from mentions and the people table. */
export const noDirectory: Directory = {
  get: async () => undefined,
  findByEmail: async () => undefined,
  findByMobile: async () => undefined,
};

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
    } catch {
      return undefined;
    }
  }

  private async batch(data: { emails?: string[]; mobiles?: string[] }): Promise<string | undefined> {
    try {
      const r = await this.client.contact.user.batchGetId({ params: { user_id_type: 'open_id' }, data });
      return r?.data?.user_list?.find((u) => u.user_id)?.user_id ?? undefined;
    } catch {
      return undefined;
    }
  }

  findByEmail(email: string) {
    return this.batch({ emails: [email] });
  }

  findByMobile(mobile: string) {
    return this.batch({ mobiles: [mobile] });
  }
}

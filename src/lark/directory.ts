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

/**
 * The contact API could not be asked (timeout, connection refused, 5xx, 429): unlike "not
 * found", the answer is unknown. Callers fall back to a cached or mentioned name, or refuse
 * with a clear reply (docs/decisions/0006-network.md).
 */
export class DirectoryUnavailable extends Error {
  constructor(cause?: unknown) {
    super(`contact directory unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DirectoryUnavailable';
  }
}

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

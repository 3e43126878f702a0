/**
 * The port to the contact directory that services see. Lark's contact API implements it
 * (src/lark/directory.ts); inside a transaction services get a PreparedDirectory (lookups.ts) that
 * answers from what was looked up before the transaction opened (docs/decisions/0006-network.md).
 */
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

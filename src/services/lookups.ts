import type { Db, Tx } from '../db.js';
import type { Logger } from '../log.js';
import type { JobRun } from '../queue/queue.js';
import { type Directory, DirectoryUnavailable, type DirectoryUser } from './directory.js';
import { rememberPerson } from './people/read.js';

/**
 * Thrown inside a transaction that needs an answer from the contact API it does not have yet:
 * the transaction rolls back, the look-up runs with no connection held, and the work runs again
 * (docs/decisions/0006-network.md). Never a DomainError, so no handler turns it into a reply.
 */
export class NeedsLookup extends Error {
  constructor(readonly key: string) {
    super(`needs a directory look-up (${key})`);
    this.name = 'NeedsLookup';
  }
}

/** How long an intake waits for the contact API before answering with what it has (Lark's deadline is 3 s). */
export const LOOKUP_BUDGET_MS = 1_000;
/**
 * Rounds of "roll back, look up, run again" before the rest is answered from the cache alone.
 * Each round learns at least one new answer (answers are kept), and a command that names N people
 * by e-mail needs about 2N + 1 rounds (the id, then the name); once Lark overran the budget the
 * remaining rounds answer at once, so this cap only guards against a loop.
 */
const MAX_ROUNDS = 64;

type Op = 'get' | 'email' | 'mobile';
type Answer = { ok: true; value: unknown } | { ok: false; error: DirectoryUnavailable };

/**
 * A Directory for use inside a transaction: it answers only what was looked up before the
 * transaction opened, and asks for the rest by throwing NeedsLookup. Once one look-up has
 * overrun the budget, Lark is taken as down for this request: the rest is "unavailable" at once.
 */
export class PreparedDirectory implements Directory {
  private readonly answers = new Map<string, Answer>();
  private readonly pending = new Map<string, { op: Op; arg: string }>();
  private down = false;

  constructor(
    private readonly inner: Directory,
    private readonly budgetMs = LOOKUP_BUDGET_MS,
    /** A name that arrives after the budget: cached for next time (its own statement, no transaction). */
    private readonly onLate?: (u: DirectoryUser) => void,
  ) {}

  get(openId: string) {
    return this.answer('get', openId) as Promise<DirectoryUser | undefined>;
  }
  findByEmail(email: string) {
    return this.answer('email', email) as Promise<string | undefined>;
  }
  findByMobile(mobile: string) {
    return this.answer('mobile', mobile) as Promise<string | undefined>;
  }

  private async answer(op: Op, arg: string): Promise<unknown> {
    const id = `${op}:${arg}`;
    let a = this.answers.get(id);
    if (!a && this.down) {
      a = { ok: false, error: new DirectoryUnavailable('no answer earlier in this request') };
      this.answers.set(id, a);
    }
    if (!a) {
      this.pending.set(id, { op, arg });
      throw new NeedsLookup(id);
    }
    if (a.ok) return a.value;
    throw a.error;
  }

  /** Answers everything still to look up from the cache alone. */
  giveUp(): void {
    this.down = true;
  }

  /** Runs the look-ups asked for so far, in parallel, each bounded by the budget. */
  async fetchPending(): Promise<void> {
    const todo = [...this.pending.entries()];
    this.pending.clear();
    await Promise.all(todo.map(([id, k]) => this.fetchOne(id, k.op, k.arg)));
  }

  private async fetchOne(id: string, op: Op, arg: string): Promise<void> {
    if (this.down) {
      this.answers.set(id, {
        ok: false,
        error: new DirectoryUnavailable('not asked: Lark is not answering'),
      });
      return;
    }
    const call =
      op === 'get'
        ? this.inner.get(arg)
        : op === 'email'
          ? this.inner.findByEmail(arg)
          : this.inner.findByMobile(arg);
    const settled: Promise<Answer> = call.then(
      (value) => ({ ok: true, value }),
      (e) => ({ ok: false, error: e instanceof DirectoryUnavailable ? e : new DirectoryUnavailable(e) }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), this.budgetMs);
    });
    const r = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (r !== 'late') {
      this.answers.set(id, r);
      return;
    }
    this.down = true;
    this.answers.set(id, { ok: false, error: new DirectoryUnavailable('no answer within the budget') });
    const onLate = this.onLate;
    if (op === 'get' && onLate)
      void settled.then((s) => {
        if (s.ok && s.value) onLate(s.value as DirectoryUser);
      });
  }
}

/**
 * Runs `work` (which opens its own transaction and reads people through `prepared`) until it no
 * longer needs a look-up: each round rolls back, looks up outside any transaction, and retries.
 */
export async function withLookups<T>(prepared: PreparedDirectory, work: () => Promise<T>): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof NeedsLookup)) throw e;
    }
    if (round >= MAX_ROUNDS) prepared.giveUp();
    await prepared.fetchPending();
  }
}

/** What a job needs to look people up outside its transaction (AppDeps has all of it). */
export interface JobLookupDeps {
  db: Db;
  directory: Directory;
  log: Logger;
  lookupBudgetMs?: number;
}

/**
 * A job's finish() whose transaction reads people (its actor's name): through a prepared
 * directory, with the look-ups run between rounds and no transaction open, as an intake does.
 * NeedsLookup rolls the whole finish back, so the job's "done" and its effects still commit together.
 */
export function finishWithLookups(
  deps: JobLookupDeps,
  job: Pick<JobRun, 'now' | 'finish'>,
): (fn: (tx: Tx, directory: Directory) => Promise<void>) => Promise<void> {
  return (fn) => {
    const prepared = prepareDirectory({ ...deps, clock: () => job.now });
    return withLookups(prepared, () => job.finish((tx) => fn(tx, prepared)));
  };
}

/** One request's prepared directory over the service's own; late names go into the cache. */
export function prepareDirectory(deps: {
  db: Db;
  directory: Directory;
  clock: () => Date;
  log: Logger;
  lookupBudgetMs?: number;
}): PreparedDirectory {
  return new PreparedDirectory(deps.directory, deps.lookupBudgetMs, (u) => {
    rememberPerson(deps.db, u, deps.clock()).catch((e) =>
      deps.log.warn({ action: 'people.cache', err: e }, 'late name not cached'),
    );
  });
}

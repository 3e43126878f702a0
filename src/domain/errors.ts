/** The one error contract: services throw these; src/present maps them (HTTP status, toast, reply). */
export type DomainErrorCode = 'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'rate_limited';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** Chinese, shown to the user as is. */
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const forbidden = (m: string) => new DomainError('forbidden', m);
export const notFound = (m: string) => new DomainError('not_found', m);
export const invalid = (m: string) => new DomainError('invalid', m);
export const conflict = (m: string) => new DomainError('conflict', m);
/** Too many at once (a cap or a full queue): try again later. */
export const rateLimited = (m: string) => new DomainError('rate_limited', m);

/** A zod validation failure (matched by shape: the class may be loaded twice under bundlers/test runners). */
export function isValidationError(e: unknown): e is { issues: unknown[] } {
  return (
    typeof e === 'object' &&
    e !== null &&
    Array.isArray((e as { issues?: unknown }).issues) &&
    (e as Error).name?.includes('ZodError')
  );
}

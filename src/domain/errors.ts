/** The one error contract: services throw these; transports map them once (HTTP status, toast, reply). */
export type DomainErrorCode = 'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'too_large';

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

export function httpStatusOf(e: DomainError): 400 | 403 | 404 | 409 | 413 {
  switch (e.code) {
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    default:
      return 400;
  }
}

/** A zod validation failure (matched by shape: the class may be loaded twice under bundlers/test runners). */
export function isValidationError(e: unknown): e is { issues: unknown[] } {
  return (
    typeof e === 'object' &&
    e !== null &&
    Array.isArray((e as { issues?: unknown }).issues) &&
    (e as Error).name?.includes('ZodError')
  );
}

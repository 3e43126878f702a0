import type { z } from 'zod';
import { invalid } from '../domain/errors.js';

/**
 * Step 1 of a verb (docs/architecture.md): parses its input. A rule a person can break is a
 * refinement carrying its Chinese text, and fails as `invalid` with that text; any other failure is
 * a caller's mistake and stays a ZodError (the transports answer it with their generic text).
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: z.input<S>): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  if (first?.code === 'custom') throw invalid(first.message);
  throw r.error;
}

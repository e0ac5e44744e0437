import type { z } from 'zod';
import { AdminInputError } from '../adminErrors.js';

/** Validates an admin request body; the error names the first bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  throw new AdminInputError(field ? `${field}: ${issue.message}` : issue.message, field);
}

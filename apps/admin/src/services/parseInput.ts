import type { z } from 'zod';
import { AdminInputError } from '../adminErrors.js';

/**
 * Validates an admin request body, or one value when `field` names it (a path parameter); the error names the
 * first bad field.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, field?: string): z.infer<S> {
  const parsed = schema.safeParse(field === undefined ? (input ?? {}) : input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const named = [...(field === undefined ? [] : [field]), ...issue.path].join('.') || undefined;
  throw new AdminInputError(named ? `${named}: ${issue.message}` : issue.message, named);
}

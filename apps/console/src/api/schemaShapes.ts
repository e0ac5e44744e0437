import type { components, operations } from './schema';

// Ways to name the entries of schema.d.ts, which `npm run openapi` makes from the admin API's OpenAPI document;
// types.ts and affiliateTypes.ts name the shapes the console reads with them.

export type Schemas = components['schemas'];

/** The JSON body an operation answers with `status`. */
export type Answer<Op extends keyof operations, Status extends number = 200> =
  operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer Body } }> ? Body : never;

/** The JSON body an operation takes. */
export type Body<Op extends keyof operations> =
  operations[Op]['requestBody'] extends { content: { 'application/json': infer B } } | undefined ? B : never;

/** An operation's query string. */
export type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

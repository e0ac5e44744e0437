import { expect } from 'vitest';
import type { z } from 'zod';
import { adminRoutes } from '../../apps/admin/src/openapi/adminRoutes.js';

export interface AdminAnswer {
  status: number;
  /** The JSON answer; undefined for a 204. */
  body: Record<string, unknown> & { error?: string; field?: string };
}

/** A JSON call to the admin API with the token, as a script or the console makes it. */
export function adminCaller(api: () => string, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<AdminAnswer> => {
    const res = await fetch(`${api()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as AdminAnswer['body']) };
  };
}

/** Checks an answer against the route's documented schema (strict: no undocumented field either). */
export function expectDocumented(method: string, route: string, status: 200 | 201, body: unknown): void {
  const schema: z.ZodType | undefined = adminRoutes.find((r) => r.method === method && r.path === route)?.responses[status]?.schema;
  if (!schema) throw new Error(`no ${status} answer documented for ${method} ${route}`);
  expect(schema.safeParse(body).error?.issues ?? [], `${method} ${route}: ${JSON.stringify(body)}`).toEqual([]);
}

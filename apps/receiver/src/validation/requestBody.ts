import type { Request } from 'express';

/** Whether the request carries a body, by its headers (a body parser that skipped it leaves no other trace). */
export function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A JSON object or a parsed form: the only bodies a postback's fields are read from. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

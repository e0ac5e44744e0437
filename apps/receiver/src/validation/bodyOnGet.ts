import type { Request } from 'express';
import { InvalidPostbackError } from '@postback/core';
import { hasBody } from './requestBody.js';

/** A GET carries its fields in the URL; a body on it is a client bug we would otherwise silently ignore. */
export function refuseBodyOnGet(req: Request): void {
  if (hasBody(req)) throw new InvalidPostbackError('a GET request must not have a body', 'body');
}

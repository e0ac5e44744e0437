import type { Request } from 'express';
import { readPostbackFields, type PostbackRequest } from './postbackFields.js';
import { isPlainObject } from './requestBody.js';
import { refuseMalformedTarget } from './requestTarget.js';

/**
 * The postback a request carries, once its request target and its fields pass every check (a POST's body has
 * already passed the checks of postbackBody.ts). Throws InvalidPostbackError naming the field at fault.
 */
export function validatePostback(req: Request): PostbackRequest {
  refuseMalformedTarget(req.url);
  return readPostbackFields(req.query as Record<string, unknown>, isPlainObject(req.body) ? req.body : undefined);
}

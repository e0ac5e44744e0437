import type { RequestHandler } from 'express';
import { InvalidPostbackError } from '@postback/core';
import { hasBody, isPlainObject } from './requestBody.js';
import { UnsupportedBodyTypeError } from './unsupportedBodyTypeError.js';

/**
 * Runs after the body parsers. A POST body in a type they do not read would otherwise be ignored, and a JSON body
 * that is not an object (an array, say) has no fields to read: say so instead.
 */
export const refuseUnreadBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && req.body === undefined) throw new UnsupportedBodyTypeError();
  if (req.body !== undefined && !isPlainObject(req.body)) {
    throw new InvalidPostbackError('JSON body must be an object', 'body');
  }
  next();
};

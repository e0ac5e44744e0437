import type { ErrorRequestHandler, Request, Response } from 'express';
import { InvalidPostbackError, TooManyKeyFailuresError, TransientStoreError, UnknownKeyError, type Logger } from '@postback/core';
import type { Answered } from './app.js';

/** Seconds a client should wait before retrying when we could not store its postback. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export function sendError(res: Response, status: number, error: string, field?: string): void {
  res.status(status).json(field === undefined ? { error } : { error, field });
}

/** The one place where errors become HTTP answers, each counted (and, for postback requests, logged). */
export function errorHandler(logger: Logger, answered: Answered): ErrorRequestHandler {
  return (err, req, res, _next) => {
    answerError(err, res, logger);
    answered(req as Request, res, res.statusCode);
  };
}

function answerError(err: unknown, res: Response, logger: Logger): void {
  if (err instanceof InvalidPostbackError) return sendError(res, 400, err.message, err.field);
  if (err instanceof UnknownKeyError) return sendError(res, 401, err.message, 'key');
  if (err instanceof TooManyKeyFailuresError) {
    res.set('Retry-After', String(err.retryAfterSeconds));
    return sendError(res, 429, err.message, 'key');
  }
  if (err instanceof TransientStoreError) {
    res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    return sendError(res, 503, 'postback not stored, try again later');
  }
  // Errors raised by Express's body parsers carry their HTTP status and a type.
  const parserError = err as { status?: number; type?: string };
  if (parserError.type === 'entity.too.large') return sendError(res, 413, 'request body too large');
  if (parserError.type === 'entity.parse.failed') return sendError(res, 400, 'request body is not valid JSON');
  if (parserError.type === 'body.unsupported') {
    return sendError(res, 415, 'body must be application/x-www-form-urlencoded or application/json', 'body');
  }
  if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
    return sendError(res, 415, 'unsupported body encoding or charset');
  }
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return sendError(res, parserError.status, 'malformed request');
  }
  logger.error({ err }, 'unhandled error');
  return sendError(res, 500, 'internal error');
}

import type { ErrorRequestHandler, Request, Response } from 'express';
import {
  bodyParserFailureOf,
  ExpiredKeyError,
  InvalidPostbackError,
  STORE_RETRY_AFTER_SECONDS,
  TooManyKeyFailuresError,
  TransientStoreError,
  UnknownKeyError,
  type BodyParserFailure,
  type Logger,
} from '@postback/core';
import { cutOffByServer } from './clientErrors.js';
import type { RecordAnswer } from './recordAnswer.js';
import { BodyTooLargeError, UnsupportedBodyTypeError } from './validation/index.js';

// The receiver's words for what a body parser refused; the statuses are core's (bodyParserFailureOf).
const BODY_PARSER_ANSWERS: Readonly<Record<BodyParserFailure['kind'], string>> = {
  too_large: 'request body too large',
  malformed: 'request body is not valid JSON',
  unsupported_encoding: 'unsupported body encoding or charset',
  other: 'malformed request',
};

export function sendError(res: Response, status: number, error: string, field?: string): void {
  // For the refusal log (recordAnswer.ts): what the client was told.
  res.locals.error = error;
  res.locals.errorField = field;
  res.status(status).json(field === undefined ? { error } : { error, field });
}

/** The one place where errors become HTTP answers, each counted (and, for postback requests, logged). */
export function errorHandler(logger: Logger, recordAnswer: RecordAnswer): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // A request cut off by the request timeout reaches us as an aborted body read: the server answered and counted it.
    if (cutOffByServer(res)) return;
    answerError(err, res, logger);
    recordAnswer(req as Request, res, res.statusCode);
  };
}

function answerError(err: unknown, res: Response, logger: Logger): void {
  if (err instanceof InvalidPostbackError) return sendError(res, 400, err.message, err.field);
  // For the refusal log: the key was known, only too late.
  if (err instanceof ExpiredKeyError) res.locals.endpointId = err.endpointId;
  if (err instanceof UnknownKeyError) return sendError(res, 401, err.message, 'key');
  if (err instanceof TooManyKeyFailuresError) {
    res.set('Retry-After', String(err.retryAfterSeconds));
    return sendError(res, 429, err.message, 'key');
  }
  if (err instanceof TransientStoreError) {
    res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    return sendError(res, 503, 'postback not stored, try again later');
  }
  if (err instanceof UnsupportedBodyTypeError) return sendError(res, 415, err.message, 'body');
  if (err instanceof BodyTooLargeError) {
    // The body was never read: closing the connection is the only way not to read it now (Node would drain it to
    // keep the connection alive for the next request).
    res.set('Connection', 'close');
    return sendError(res, 413, BODY_PARSER_ANSWERS.too_large);
  }
  const parserFailure = bodyParserFailureOf(err);
  if (parserFailure) return sendError(res, parserFailure.status, BODY_PARSER_ANSWERS[parserFailure.kind]);
  logger.error({ err }, 'unhandled error');
  return sendError(res, 500, 'internal error');
}

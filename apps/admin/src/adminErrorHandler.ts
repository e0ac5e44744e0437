import type { ErrorRequestHandler } from 'express';
import { bodyParserFailureOf, STORE_RETRY_AFTER_SECONDS, TooManyAuthFailuresError, type BodyParserFailure, type Logger } from '@postback/core';
import { AdminInputError, NotFoundError, storeOutage } from './adminErrors.js';

// The admin API's words for what the JSON body parser refused; the statuses are core's (bodyParserFailureOf).
const BODY_PARSER_ANSWERS: Readonly<Record<BodyParserFailure['kind'], string>> = {
  too_large: 'request body too large',
  malformed: 'body is not valid JSON',
  unsupported_encoding: 'unsupported body encoding or charset',
  other: 'malformed request',
};

/** The one place where admin errors become HTTP answers. */
export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof AdminInputError) {
      return void res.status(400).json(err.field ? { error: err.message, field: err.field } : { error: err.message });
    }
    if (err instanceof NotFoundError) return void res.status(404).json({ error: err.message });
    if (err instanceof TooManyAuthFailuresError) {
      return void res.set('Retry-After', String(err.retryAfterSeconds)).status(429).json({ error: err.message });
    }
    const outage = storeOutage(err);
    if (outage) {
      logger.warn({ err: outage.cause }, outage.message);
      return void res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS)).status(503).json({ error: outage.message });
    }
    const parserFailure = bodyParserFailureOf(err);
    if (parserFailure) return void res.status(parserFailure.status).json({ error: BODY_PARSER_ANSWERS[parserFailure.kind] });
    logger.error({ err }, 'admin request failed');
    return void res.status(500).json({ error: 'internal error' });
  };
}

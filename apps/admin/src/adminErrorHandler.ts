import type { ErrorRequestHandler } from 'express';
import { bodyParserFailureOf, STORE_RETRY_AFTER_SECONDS, TooManyAuthFailuresError, type BodyParserFailure, type Logger } from '@postback/core';
import { ConflictError, inputErrorOf, NotFoundError, PayloadTooLargeError, storeOutage, UnsupportedMediaTypeError } from './adminErrors.js';

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
    // Bad input that is not the caller's values but the body's kind or size (a bulk upload).
    if (err instanceof UnsupportedMediaTypeError) return void res.status(415).json({ error: err.message });
    if (err instanceof PayloadTooLargeError) return void res.status(413).json({ error: err.message });
    const input = inputErrorOf(err);
    if (input) {
      // A data error from Postgres means an input schema let a value through: still the caller's 400, but worth a look.
      if (input !== err) logger.warn({ err }, `postgres refused admin input: ${input.message}`);
      return void res.status(400).json(input.field ? { error: input.message, field: input.field } : { error: input.message });
    }
    if (err instanceof NotFoundError) return void res.status(404).json({ error: err.message });
    if (err instanceof ConflictError) return void res.status(409).json({ error: err.message });
    if (err instanceof TooManyAuthFailuresError) {
      return void res.set('Retry-After', String(err.retryAfterSeconds)).status(429).json({ error: err.message });
    }
    const outage = storeOutage(err);
    if (outage) {
      logger.warn({ err: outage.cause }, outage.message);
      return void res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS)).status(503).json({ error: outage.message });
    }
    const parserFailure = bodyParserFailureOf(err);
    if (parserFailure) {
      // Any other client error Express raised (a path parameter with a broken %-escape, an aborted body) says
      // what it was in its own message.
      const own = parserFailure.kind === 'other' && err instanceof Error ? err.message : undefined;
      return void res.status(parserFailure.status).json({ error: own || BODY_PARSER_ANSWERS[parserFailure.kind] });
    }
    logger.error({ err }, 'admin request failed');
    return void res.status(500).json({ error: 'internal error' });
  };
}


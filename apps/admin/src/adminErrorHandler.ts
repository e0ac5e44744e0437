import type { ErrorRequestHandler } from 'express';
import type { Logger } from '@postback/core';
import { inputErrorOf, NotFoundError, storeOutage } from './adminErrors.js';

// Seconds an operator's script should wait before retrying while Postgres or Redis is unreachable.
const STORE_RETRY_AFTER_SECONDS = 5;

/** The one place where admin errors become HTTP answers. */
export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const input = inputErrorOf(err);
    if (input) {
      // A data error from Postgres means an input schema let a value through: still the caller's 400, but worth a look.
      if (input !== err) logger.warn({ err }, `postgres refused admin input: ${input.message}`);
      return void res.status(400).json(input.field ? { error: input.message, field: input.field } : { error: input.message });
    }
    if (err instanceof NotFoundError) return void res.status(404).json({ error: err.message });
    const outage = storeOutage(err);
    if (outage) {
      logger.warn({ err: outage.cause }, outage.message);
      return void res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS)).status(503).json({ error: outage.message });
    }
    const parserError = err as { type?: string; status?: unknown; message?: unknown };
    if (parserError.type === 'entity.too.large') return void res.status(413).json({ error: 'request body too large' });
    if (parserError.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
    // Any other client error Express or its body parser raised (a path parameter with a broken %-escape, a
    // charset or Content-Encoding it does not read): its own 4xx, not a 500.
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return void res.status(parserError.status).json({ error: typeof parserError.message === 'string' ? parserError.message : 'bad request' });
    }
    logger.error({ err }, 'admin request failed');
    return void res.status(500).json({ error: 'internal error' });
  };
}


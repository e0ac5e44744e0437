import type { ErrorRequestHandler } from 'express';
import { TooManyAuthFailuresError, type Logger } from '@postback/core';
import { AdminInputError, NotFoundError, storeOutage } from './adminErrors.js';

// Seconds an operator's script should wait before retrying while Postgres or Redis is unreachable.
const STORE_RETRY_AFTER_SECONDS = 5;

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
    const parserError = err as { type?: string; status?: number };
    if (parserError.type === 'entity.too.large') return void res.status(413).json({ error: 'request body too large' });
    if (parserError.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
    logger.error({ err }, 'admin request failed');
    return void res.status(500).json({ error: 'internal error' });
  };
}

import type { Request, Response } from 'express';
import type { Logger } from '@postback/core';

/** Marks when the request reached us; logAccess() reports the time since. */
export function startAccessLog(res: Response): void {
  res.locals.startedAt = performance.now();
}

/**
 * One access log line per postback request, written as its answer is sent: method, status, duration, client
 * address, and the endpoint and postback ids — never the URL, whose query string carries the key.
 * Hand-rolled and called inline rather than pino-http or a 'finish' listener: each of those cost a measurable
 * share of the receiver's CPU in the benchmark.
 */
export function logAccess(logger: Logger, req: Request, res: Response, status: number): void {
  if (!logger.isLevelEnabled('info')) return;
  const startedAt = res.locals.startedAt as number | undefined;
  logger.info(
    {
      method: req.method,
      status,
      ms: startedAt === undefined ? undefined : Math.round((performance.now() - startedAt) * 100) / 100,
      endpoint_id: res.locals.endpointId,
      postback_id: res.locals.postbackId,
      ip: req.ip,
    },
    'postback request',
  );
}

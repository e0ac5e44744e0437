import type { Request, Response } from 'express';
import { batchJobIdOf, type Logger } from '@postback/core';

/** Marks when the request reached us; logAccess() reports the time since. */
export function startAccessLog(res: Response): void {
  res.locals.startedAt = performance.now();
}

/**
 * One access log line per postback request, written as its answer is sent: status, duration, method, the
 * endpoint, postback and job ids, and for refused requests the client address (for accepted ones the endpoint id
 * already says who sent it). Never the URL: its query string carries the key.
 * Hand-rolled and called inline rather than pino-http or a 'finish' listener: each of those cost a measurable
 * share of the receiver's CPU in the benchmark.
 * job_id is the id of the queue job that carries the postback, the one the worker's "job applied" line names, so
 * one grep follows a postback from here to the worker; it is derived from the postback id (a string slice).
 */
export function logAccess(logger: Logger, req: Request, res: Response, status: number): void {
  if (!logger.isLevelEnabled('info')) return;
  const startedAt = res.locals.startedAt as number | undefined;
  const ms = startedAt === undefined ? undefined : Math.round((performance.now() - startedAt) * 100) / 100;
  if (status === 202) {
    logger.info({ status, ms, method: req.method, endpoint_id: res.locals.endpointId, postback_id: res.locals.postbackId, job_id: batchJobIdOf(res.locals.postbackId as string) });
  } else {
    logger.info({ status, ms, method: req.method, endpoint_id: res.locals.endpointId, ip: req.ip });
  }
}

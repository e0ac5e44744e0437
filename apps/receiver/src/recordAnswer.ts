import type { Request, Response } from 'express';
import type { Logger } from '@postback/core';
import { logAccess } from './accessLog.js';
import { routeOf, type ReceiverMetrics } from './metrics.js';

/** Counts (and for postback requests logs) an answer once it is sent. */
export type RecordAnswer = (req: Request, res: Response, status: number) => void;

/**
 * Every answer to a postback request is counted and logged; other routes are only counted. A postback request is
 * one whose access log was started (startAccessLog), whatever its path turned out to be.
 */
export function createRecordAnswer(metrics: ReceiverMetrics, accessLogger: Logger): RecordAnswer {
  return (req, res, status) => {
    if (res.locals.startedAt === undefined) return metrics.answered(routeOf(req.path), status);
    metrics.answered('/v1/rejections', status, res.locals.startedAt as number);
    logAccess(accessLogger, req, res, status);
  };
}

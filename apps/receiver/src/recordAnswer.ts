import type { Request, Response } from 'express';
import type { Logger } from '@postback/core';
import { logAccess } from './accessLog.js';
import { routeOf, type ReceiverMetrics } from './metrics.js';
import type { RecordRefusal } from './refusals/recordRefusal.js';

/** Counts (and for postback requests logs) an answer once it is sent. */
export type RecordAnswer = (req: Request, res: Response, status: number) => void;

// The postback route as Express matches it (any case, a trailing slash), for refusals made before its handler ran
// (405, the HTTPS check's 403).
const POSTBACK_ROUTE = /^\/v1\/rejections\/?$/i;

/**
 * Every answer to a postback request is counted and logged; other routes are only counted. A postback request is
 * one whose access log was started (startAccessLog), whatever its path turned out to be. Every refusal (4xx) on the
 * postback route is also handed to `recordRefusal`, when given (REFUSAL_LOG).
 */
export function createRecordAnswer(metrics: ReceiverMetrics, accessLogger: Logger, recordRefusal?: RecordRefusal): RecordAnswer {
  return (req, res, status) => {
    if (res.locals.startedAt === undefined) {
      metrics.answered(routeOf(req.path), status);
      if (recordRefusal && isRefusal(status) && POSTBACK_ROUTE.test(req.originalUrl.split('?', 1)[0]!)) recordRefusal(req, res, status);
      return;
    }
    metrics.answered('/v1/rejections', status, res.locals.startedAt as number);
    logAccess(accessLogger, req, res, status);
    if (recordRefusal && isRefusal(status)) recordRefusal(req, res, status);
  };
}

// 4xx only: a 5xx is the pipeline's failure, not the client's request refused (and a Redis that fails the
// postback would fail its record too).
const isRefusal = (status: number) => status >= 400 && status < 500;

import type { RequestHandler } from 'express';
import type { Logger } from '@postback/core';
import type { Actor } from './operator.js';

// A path longer than this is cut: a log line's size stays bounded whatever a client sends.
const PATH_KEPT_CHARS = 200;

/**
 * One access log line per admin request, written when its connection is done with it: method, path, status,
 * duration, the operator it acted as (once authenticated) and the client address. Built from those fields only:
 * never the query string (a careless script may put a token there), headers (Authorization, Cookie) or body (the
 * login form's token), so no secret can reach the log through it.
 */
export function adminAccessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    // originalUrl now: routers rewrite req.url on the way down.
    const path = req.originalUrl.split('?', 1)[0]!.slice(0, PATH_KEPT_CHARS);
    res.once('close', () => {
      const actor = res.locals.actor as Actor | undefined;
      logger.info(
        {
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round((performance.now() - startedAt) * 100) / 100,
          operator: actor?.operator,
          ip: req.ip,
          // The client went away before the answer was written in full.
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'admin request',
      );
    });
    next();
  };
}

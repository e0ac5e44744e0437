import express, { type RequestHandler } from 'express';
import type { Logger } from '@postback/core';
import { acceptPostback, type AcceptPostbackDeps } from './acceptPostback.js';
import { startAccessLog } from './accessLog.js';
import { arrivedOverHttps } from './arrivedOverHttps.js';
import { errorHandler, sendError } from './httpErrors.js';
import { createReceiverMetrics, type ReceiverMetrics } from './metrics.js';
import { createRecordAnswer, type RecordAnswer } from './recordAnswer.js';
import { createRecordRefusal } from './refusals/recordRefusal.js';
import type { RefusalRecorder } from './refusals/refusalRecorder.js';
import { parseQueryString, postbackBodyParsers, refuseBodyOnGet } from './validation/index.js';

export interface ReceiverDeps extends AcceptPostbackDeps {
  logger: Logger;
  /** Where access log lines go (a buffered logger in production); `logger` when not given. */
  accessLogger?: Logger;
  /** Resolves when Redis answers; used by /readyz. */
  pingQueue: () => Promise<unknown>;
  trustProxy?: string;
  /** Refuse postbacks that did not arrive over HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy). */
  requireHttps?: boolean;
  /** Where requests and stored jobs are counted; a registry nobody reads when not given. */
  metrics?: ReceiverMetrics;
  /** Where refused postback requests are recorded for the admin (REFUSAL_LOG); nowhere when not given. */
  refusals?: RefusalRecorder;
}

/**
 * The receiver's HTTP side: http in → validate (validation/) → authenticate → admit and enqueue → 202
 * (acceptPostback.ts); every refusal is answered in httpErrors.ts.
 */
export function createReceiverApp(deps: ReceiverDeps): express.Express {
  const app = express();
  // The access log line is built from fixed fields that never include the key, so it skips the redaction pass
  // (a measurable cost per request); every other log line keeps it.
  const accessLogger = (deps.accessLogger ?? deps.logger).child({}, { redact: [] });
  const recordAnswer = createRecordAnswer(
    deps.metrics ?? createReceiverMetrics(),
    accessLogger,
    deps.refusals && createRecordRefusal(deps.refusals, deps.keys),
  );
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(deps.trustProxy ?? 'loopback'));
  app.set('query parser', parseQueryString);

  // GET, the hot path, is one handler: every middleware hop costs measurably at burst rates.
  const accept = acceptPostback(deps, recordAnswer);
  const startTimer: RequestHandler = (_req, res, next) => {
    startAccessLog(res);
    next();
  };
  // Registered only when asked for: a middleware hop on the hot path costs measurably.
  if (deps.requireHttps) app.use('/v1', refusePlainHttp(recordAnswer));
  // Express answers HEAD with the GET handler, which would store a rejection for a link checker or a URL preview.
  app.head('/v1/rejections', methodNotAllowed(recordAnswer));
  app.get('/v1/rejections', (req, res) => {
    startAccessLog(res);
    refuseBodyOnGet(req);
    return accept(req, res);
  });
  app.post('/v1/rejections', startTimer, ...postbackBodyParsers(), accept);
  app.all('/v1/rejections', methodNotAllowed(recordAnswer));
  app.get('/healthz', (req, res) => {
    res.json({ status: 'ok' });
    recordAnswer(req, res, 200);
  });
  app.get('/readyz', async (req, res) => {
    try {
      await deps.pingQueue();
      res.json({ status: 'ready' });
    } catch {
      sendError(res, 503, 'redis unreachable');
    }
    recordAnswer(req, res, res.statusCode);
  });

  app.use((req, res) => {
    sendError(res, 404, 'not found');
    recordAnswer(req, res, 404);
  });
  app.use(errorHandler(deps.logger, recordAnswer));
  return app;
}

const refusePlainHttp = (recordAnswer: RecordAnswer): RequestHandler => (req, res, next) => {
  if (arrivedOverHttps(req)) return next();
  sendError(res, 403, 'use https');
  recordAnswer(req, res, 403);
};

const methodNotAllowed = (recordAnswer: RecordAnswer): RequestHandler => (req, res) => {
  res.set('Allow', 'GET, POST');
  sendError(res, 405, 'use GET or POST');
  recordAnswer(req, res, 405);
};

function parseTrustProxy(value: string): boolean | string | number {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

import express, { type Request, type RequestHandler, type Response } from 'express';
import { InvalidPostbackError, TransientStoreError, UnknownKeyError, type AuthFailureLimiter, type Logger } from '@postback/core';
import { logAccess, startAccessLog } from './accessLog.js';
import { arrivedOverHttps } from './arrivedOverHttps.js';
import type { EnqueueBatcher } from './enqueueBatcher.js';
import { errorHandler, sendError } from './httpErrors.js';
import type { KeyCache } from './keyCache.js';
import { createReceiverMetrics, type ReceiverMetrics, type ReceiverRoute } from './metrics.js';
import { refuseRepeatedJsonFields } from './repeatedJsonFields.js';
import { refuseMalformedForm, refuseMalformedTarget } from './urlEncoding.js';
import { POSTBACK_FIELDS, validatePostback } from './validatePostback.js';

export interface ReceiverDeps {
  keys: KeyCache;
  /** Counts unknown and revoked keys per client address (see AuthFailureLimiter). */
  keyFailures: AuthFailureLimiter;
  /** Rate-limits and stores postbacks (see EnqueueBatcher). */
  batcher: EnqueueBatcher;
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
}

const BODY_LIMIT = '16kb';
const ACCEPTED_HEADERS = Object.freeze({ 'Content-Type': 'application/json; charset=utf-8' });

export function createReceiverApp(deps: ReceiverDeps): express.Express {
  const app = express();
  // The access log line is built from fixed fields that never include the key, so it skips the redaction pass
  // (a measurable cost per request); every other log line keeps it.
  const accessLogger = (deps.accessLogger ?? deps.logger).child({}, { redact: [] });
  const metrics = deps.metrics ?? createReceiverMetrics();
  // Every answer to a postback request is counted and logged here; other routes are only counted.
  const answered: Answered = (req, res, status) => {
    if (res.locals.startedAt === undefined) return metrics.answered(routeOf(req), status);
    metrics.answered('/v1/rejections', status, res.locals.startedAt as number);
    logAccess(accessLogger, req, res, status);
  };
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(deps.trustProxy ?? 'loopback'));

  // GET, the hot path, is one handler: every middleware hop costs measurably at burst rates.
  const handle = postbackHandler(deps, answered);
  const forms = express.urlencoded({
    extended: false,
    limit: BODY_LIMIT,
    parameterLimit: 50,
    verify: (_req, _res, raw) => refuseMalformedForm(raw.toString('latin1')),
  });
  const json = express.json({
    limit: BODY_LIMIT,
    strict: true,
    verify: (_req, _res, raw) => refuseRepeatedJsonFields(raw.toString('utf8'), POSTBACK_FIELDS),
  });
  const start: RequestHandler = (_req, res, next) => {
    startAccessLog(res);
    next();
  };
  // Registered only when asked for: a middleware hop on the hot path costs measurably.
  if (deps.requireHttps) app.use('/v1', refusePlainHttp(answered));
  // Express answers HEAD with the GET handler, which would store a rejection for a link checker or a URL preview.
  app.head('/v1/rejections', methodNotAllowed(answered));
  app.get('/v1/rejections', (req, res) => {
    startAccessLog(res);
    // A GET carries its fields in the URL; a body on it is a client bug we would otherwise silently ignore.
    if (hasBody(req)) throw new InvalidPostbackError('a GET request must not have a body', 'body');
    return handle(req, res);
  });
  app.post('/v1/rejections', start, forms, json, refuseUnparsedBody, handle);
  app.all('/v1/rejections', methodNotAllowed(answered));
  app.get('/healthz', (req, res) => {
    res.json({ status: 'ok' });
    answered(req, res, 200);
  });
  app.get('/readyz', async (req, res) => {
    try {
      await deps.pingQueue();
      res.json({ status: 'ready' });
    } catch {
      sendError(res, 503, 'redis unreachable');
    }
    answered(req, res, res.statusCode);
  });

  app.use((req, res) => {
    sendError(res, 404, 'not found');
    answered(req, res, 404);
  });
  app.use(errorHandler(deps.logger, answered));
  return app;
}

/** Counts (and for postback requests logs) an answer once it is sent. */
export type Answered = (req: Request, res: Response, status: number) => void;

function routeOf(req: Request): ReceiverRoute {
  const path = req.path;
  return path === '/v1/rejections' || path === '/healthz' || path === '/readyz' ? path : 'other';
}

function postbackHandler(deps: ReceiverDeps, answered: Answered) {
  return async (req: Request, res: Response): Promise<void> => {
    refuseMalformedTarget(req.url);
    const body = isPlainObject(req.body) ? req.body : undefined;
    const postback = validatePostback(req.query as Record<string, unknown>, body);
    if (postback.key === undefined) throw new UnknownKeyError('key is required');
    const found = deps.keys.resolve(postback.key);
    const endpoint = found instanceof Promise ? await guard(() => found) : found;
    if (!endpoint) {
      // Only here, on the failure path, is the address counted: valid keys pay no extra Redis round trip.
      await deps.keyFailures.recordFailure(req.ip ?? '');
      throw new UnknownKeyError('unknown or revoked key');
    }
    res.locals.endpointId = endpoint.endpointId;

    const verdict = await deps.batcher.enqueue({
      endpointId: endpoint.endpointId,
      scope: endpoint.scope,
      transactionId: postback.transactionId,
      reason: postback.reason,
      receivedAt: Date.now(),
    });
    if (!verdict.stored) {
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      sendError(res, 429, 'rate limit exceeded for this key');
      answered(req, res, 429);
      return;
    }
    const { postbackId } = verdict;
    res.locals.postbackId = postbackId;
    // Written directly rather than through res.json(): Express's send() (content-type negotiation, freshness
    // checks) is measurable at burst rates and buys nothing for this fixed answer.
    res.writeHead(202, ACCEPTED_HEADERS);
    res.end(`{"status":"accepted","postback_id":"${postbackId}"}`);
    answered(req, res, 202);
  };
}

// Redis failures on the key and rate-limit look-ups mean we cannot store the postback either: answer 503.
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new TransientStoreError('redis unavailable', { cause: err });
  }
}

const refusePlainHttp = (answered: Answered): RequestHandler => (req, res, next) => {
  if (arrivedOverHttps(req)) return next();
  sendError(res, 403, 'use https');
  answered(req, res, 403);
};

const methodNotAllowed = (answered: Answered): RequestHandler => (req, res) => {
  res.set('Allow', 'GET, POST');
  sendError(res, 405, 'use GET or POST');
  answered(req, res, 405);
};

// A POST body in a type we do not read would otherwise be ignored; say so instead.
const refuseUnparsedBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && req.body === undefined) {
    return next(Object.assign(new Error('unsupported body type'), { status: 415, type: 'body.unsupported' }));
  }
  if (req.body !== undefined && !isPlainObject(req.body)) {
    throw new InvalidPostbackError('JSON body must be an object', 'body');
  }
  next();
};

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTrustProxy(value: string): boolean | string | number {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

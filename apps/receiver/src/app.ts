import { randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { InvalidPostback, TransientStoreError, UnknownKey, type Logger } from '@postback/core';
import type { EnqueueBatcher } from './enqueueBatcher.js';
import { errorHandler, sendError } from './httpErrors.js';
import type { KeyCache } from './keyCache.js';
import type { KeyRateLimiter } from './keyRateLimiter.js';
import { validatePostback } from './validatePostback.js';

export interface ReceiverDeps {
  keys: KeyCache;
  rateLimiter: KeyRateLimiter;
  batcher: EnqueueBatcher;
  logger: Logger;
  /** Resolves when Redis answers; used by /readyz. */
  pingQueue: () => Promise<unknown>;
  trustProxy?: string;
}

const BODY_LIMIT = '16kb';

export function createReceiverApp(deps: ReceiverDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(deps.trustProxy ?? 'loopback'));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.pingQueue();
      res.json({ status: 'ready' });
    } catch {
      sendError(res, 503, 'redis unreachable');
    }
  });

  const accessLog = pinoHttp({
    logger: deps.logger,
    genReqId: () => randomUUID(),
    quietReqLogger: true,
    wrapSerializers: false,
    // The URL carries the key: log the path and the endpoint id, never the query string.
    serializers: {
      req: (req: Request) => ({ method: req.method, path: req.path, ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => ({
      endpoint_id: (res as express.Response).locals?.endpointId,
      postback_id: (res as express.Response).locals?.postbackId,
    }),
  });

  const handle = postbackHandler(deps);
  const forms = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 });
  const json = express.json({ limit: BODY_LIMIT, strict: true });
  app.get('/v1/rejections', accessLog, refuseBody, handle);
  app.post('/v1/rejections', accessLog, forms, json, refuseUnparsedBody, handle);

  app.use((_req, res) => sendError(res, 404, 'not found'));
  app.use(errorHandler(deps.logger));
  return app;
}

function postbackHandler(deps: ReceiverDeps): RequestHandler {
  return async (req, res) => {
    const body = isPlainObject(req.body) ? req.body : undefined;
    const postback = validatePostback(req.query as Record<string, unknown>, body);
    if (postback.key === undefined) throw new UnknownKey('key is required');
    const endpoint = await lookUp(deps.keys, postback.key);
    if (!endpoint) throw new UnknownKey('unknown or revoked key');
    res.locals.endpointId = endpoint.endpointId;

    const verdict = await guard(() => deps.rateLimiter.consume(endpoint.endpointId));
    if (!verdict.allowed) {
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      return sendError(res, 429, 'rate limit exceeded for this key');
    }

    const postbackId = randomUUID();
    res.locals.postbackId = postbackId;
    await deps.batcher.enqueue({
      v: 1,
      postbackId,
      endpointId: endpoint.endpointId,
      scope: endpoint.scope,
      transactionId: postback.transactionId,
      reason: postback.reason,
      receivedAt: Date.now(),
    });
    res.status(202).json({ status: 'accepted', postback_id: postbackId });
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

const lookUp = (keys: KeyCache, key: string) => guard(() => keys.resolve(key));

// A GET carries its fields in the URL; a body on it is a client bug we would otherwise silently ignore.
const refuseBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req)) throw new InvalidPostback('a GET request must not have a body', 'body');
  next();
};

// A POST body in a type we do not read would otherwise be ignored; say so instead.
const refuseUnparsedBody: RequestHandler = (req, res, next) => {
  if (hasBody(req) && req.body === undefined) {
    return sendError(res, 415, 'body must be application/x-www-form-urlencoded or application/json', 'body');
  }
  if (req.body !== undefined && !isPlainObject(req.body)) {
    throw new InvalidPostback('JSON body must be an object', 'body');
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

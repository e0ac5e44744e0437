import { once } from 'node:events';
import type { Express } from 'express';
import {
  AuthFailureLimiter,
  createFailFastRedis,
  KeyRegistry,
  pingPrimary,
  PostbackShards,
  replicaPolicyOf,
  TooManyKeyFailuresError,
  type Config,
  type Logger,
} from '@postback/core';
import { createReceiverApp } from './app.js';
import { EnqueueBatcher } from './enqueueBatcher.js';
import { KeyCache } from './keyCache.js';
import { Admission } from './admission.js';
import { createReceiverMetrics, type ReceiverMetrics } from './metrics.js';
import { RefusalRecorder } from './refusals/refusalRecorder.js';
import { refusalStreamWriter } from './refusals/refusalStreams.js';

export interface Receiver {
  app: Express;
  /** Its Prometheus registry: main.ts serves it on RECEIVER_METRICS_PORT. */
  metrics: ReceiverMetrics;
  /** Resolves once both Redis connections are up, the queues' scripts are loaded and the shard layout is announced. */
  ready: () => Promise<void>;
  /** Stores what is still being enqueued, leaves its shard layout, then closes the Redis connections. */
  close: () => Promise<void>;
}

/** Wires the receiver to Redis. Opens connections, listens on nothing: main.ts (or a test) serves `app`. */
export function createReceiver(cfg: Config, logger: Logger, accessLogger?: Logger): Receiver {
  // Fail-fast connections: a request never waits on a Redis that is down, it gets a 503.
  // Auto-pipelining sends the key look-ups of concurrent requests to Redis in one write.
  const redis = createFailFastRedis(cfg, { enableAutoPipelining: true, commandTimeout: 2000 });
  const queueRedis = createFailFastRedis(cfg, { commandTimeout: 5000 });
  for (const conn of [redis, queueRedis]) {
    conn.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  }
  const metrics = createReceiverMetrics();
  const shards = new PostbackShards(cfg, queueRedis, {
    role: 'receiver',
    onQueueError: (err) => logger.warn({ err: err.message }, 'queue error'),
    replicas: replicaPolicyOf(cfg),
    onReplicaWait: (seconds, confirmed) => metrics.replicasAwaited(seconds, confirmed),
  });
  const admission = new Admission(queueRedis, cfg.QUEUE_PREFIX, cfg.RATE_LIMIT_PER_KEY, cfg.RATE_LIMIT_WINDOW_SECONDS * 1000);
  const batcher = new EnqueueBatcher(shards, admission, metrics);
  // On the key look-ups' connection: fail-fast, so a Redis that is down drops a turn's refusals at once.
  const refusals = cfg.REFUSAL_LOG
    ? new RefusalRecorder(
        refusalStreamWriter(redis, cfg.QUEUE_PREFIX, { all: cfg.REFUSAL_LOG_MAXLEN, perEndpoint: cfg.REFUSAL_LOG_ENDPOINT_MAXLEN }),
        metrics.refusals,
        logger,
      )
    : undefined;
  const app = createReceiverApp({
    keys: new KeyCache(new KeyRegistry(redis, cfg.QUEUE_PREFIX), cfg.KEY_CACHE_TTL_MS),
    keyFailures: new AuthFailureLimiter(redis, {
      keyPrefix: `${cfg.QUEUE_PREFIX}:key-failures`,
      limit: cfg.AUTH_FAILURES_PER_ADDRESS,
      windowSeconds: cfg.AUTH_FAILURE_WINDOW_SECONDS,
      what: 'unknown or revoked keys',
      refuse: (seconds) => new TooManyKeyFailuresError(seconds),
    }, logger),
    batcher,
    logger,
    accessLogger,
    // Ready when the primary that holds the queues takes writes, on both connections (see pingPrimary).
    pingQueue: () => Promise.all([redis, queueRedis].map((c) => pingPrimary(c, cfg.QUEUE_PREFIX))),
    trustProxy: cfg.TRUST_PROXY,
    requireHttps: cfg.REQUIRE_HTTPS,
    metrics,
    refusals,
  });
  return {
    app,
    metrics,
    async ready() {
      await Promise.all([redis, queueRedis].map((c) => (c.status === 'ready' ? undefined : once(c, 'ready'))));
      await Promise.all(shards.catalog.ownShards().map((tag) => shards.shard(tag).queue.waitUntilReady()));
      await shards.layouts.announce();
    },
    async close() {
      await batcher.drain();
      await refusals?.drain();
      await shards.layouts.leave().catch(() => undefined);
      await shards.close().catch(() => undefined);
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}

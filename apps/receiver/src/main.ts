import { createServer } from 'node:http';
import {
  createFailFastRedis,
  createLogger,
  createPostbackQueue,
  KeyRegistry,
  loadConfig,
  postbackJobOptions,
  ReceiptSequence,
} from '@postback/core';
import { createReceiverApp } from './app.js';
import { EnqueueBatcher } from './enqueueBatcher.js';
import { KeyCache } from './keyCache.js';
import { KeyRateLimiter } from './keyRateLimiter.js';

const cfg = loadConfig();
const logger = createLogger('receiver', cfg.LOG_LEVEL);

// Fail-fast connections: a request never waits on a Redis that is down, it gets a 503.
// Auto-pipelining sends the look-ups of concurrent requests to Redis in one write.
const redis = createFailFastRedis(cfg.REDIS_URL, { enableAutoPipelining: true, commandTimeout: 2000 });
const queueRedis = createFailFastRedis(cfg.REDIS_URL, { commandTimeout: 5000 });
const queue = createPostbackQueue(cfg, queueRedis);
const batcher = new EnqueueBatcher(queue, new ReceiptSequence(queueRedis, cfg.QUEUE_PREFIX), (id) =>
  postbackJobOptions(cfg, id),
);
const app = createReceiverApp({
  keys: new KeyCache(new KeyRegistry(redis, cfg.QUEUE_PREFIX), cfg.KEY_CACHE_TTL_MS),
  rateLimiter: new KeyRateLimiter(redis, cfg.QUEUE_PREFIX, cfg.RATE_LIMIT_PER_KEY, cfg.RATE_LIMIT_WINDOW_SECONDS),
  batcher,
  logger,
  pingQueue: () => redis.ping(),
  trustProxy: cfg.TRUST_PROXY,
});

const server = createServer(app);
server.listen(cfg.PORT, cfg.HOST, () => logger.info({ port: cfg.PORT }, 'receiver listening'));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'receiver stopping: refusing new connections, finishing in-flight requests');
  const timer = setTimeout(() => {
    logger.error('shutdown timed out; exiting');
    process.exit(1);
  }, cfg.SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  await batcher.drain();
  await queue.close();
  redis.disconnect();
  queueRedis.disconnect();
  logger.info('receiver stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

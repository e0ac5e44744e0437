import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseHostPortList } from './hostPortList.js';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
// A port that may be 0: the listener it names is then not started.
const optionalPort = z.coerce.number().int().min(0).max(65535);
const existingFile = z.string().refine((path) => existsSync(path), 'no such file');
const hostPortList = z.string().transform((text, ctx) => {
  const parsed = parseHostPortList(text);
  if ('nodes' in parsed) return parsed.nodes;
  ctx.addIssue({ code: 'custom', message: `"${parsed.bad}" is not host:port (a comma-separated list of host:port)` });
  return z.NEVER;
});

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
// The three ways to reach Redis; exactly one is used (REDIS_URL with its default when none is set).
const REDIS_MODE_VARIABLES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

// Every environment variable the pipeline reads, in one place. README "Configuration" mirrors this list.
const envShape = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/postgres'),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  // A streaming replica of DATABASE_URL for the admin's heavy reads (log search, audit search, the URL list's
  // last_used_at), so they never compete with the workers' drain; unset, they read the primary. Never for a single
  // postback's or conversion's lookup, nor for anything that writes: replication lag would hide a fresh write.
  DATABASE_READ_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  // Connections the admin (and each CLI command) opens to DATABASE_READ_URL.
  DATABASE_READ_POOL_SIZE: positiveInt.default(5),
  // Standalone Redis (rediss:// for TLS). Unset with neither of the two below: redis://127.0.0.1:6379.
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  // Redis Cluster: some of its nodes (ioredis discovers the rest); the queues' hash tag keeps them in one slot.
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  // Redis Sentinel: the sentinels, and the name of the primary they monitor (their `sentinel monitor NAME`).
  REDIS_SENTINELS: hostPortList.optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  // The sentinels' own password (their requirepass), when they have one; the nodes' is REDIS_PASSWORD.
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  // Credentials and TLS of the Redis nodes, in every mode (an ACL user with REDIS_USERNAME).
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS: z.stringbool().default(false),
  // Replicas that must hold a write (Redis WAIT) before it is acknowledged: the receiver's 202, a replay, a key's
  // registration or revocation. 0: the primary's word is enough, as before. The timeout stays under the 5 s command
  // timeout of the connections that carry those writes (WAIT's own 0 would mean forever).
  ACK_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  ACK_REPLICA_TIMEOUT_MS: positiveInt.max(4000).default(100),
  // A Redis Cluster hash tag ({…}) keeps every key of both queues in one slot, as BullMQ requires on Cluster.
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[^{}]+\}$/, 'must be a Redis Cluster hash tag such as {postback}')
    .default('{postback}'),
  // The postback queue as this many shards, each under a hash tag of its own derived from QUEUE_PREFIX's (so a Redis
  // Cluster spreads them over its primaries); 1 keeps every key under QUEUE_PREFIX itself, as before shards existed.
  // Each shard costs every worker process a BullMQ Worker and its blocking connection: hence the cap.
  QUEUE_SHARDS: positiveInt.max(64).default(1),
  QUEUE_NAME: z.string().regex(/^[\w.-]+$/).default('rejections'),
  DEAD_LETTER_QUEUE_NAME: z.string().regex(/^[\w.-]+$/).default('rejections-dead'),
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  ADMIN_PORT: port.default(3001),
  // The admin API is for the internal network: loopback unless a deployment says otherwise (compose: 0.0.0.0 inside
  // its network, published on the host's loopback only). Never the receiver's HOST, which faces the internet.
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  // Prometheus /metrics of the receiver and of each worker, each on a port of its own (never the public one) for
  // the internal network; 0 turns it off. The admin API serves queue depths on ADMIN_PORT's /metrics.
  RECEIVER_METRICS_PORT: optionalPort.default(9464),
  WORKER_METRICS_PORT: optionalPort.default(9465),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: z.string().default('loopback'),
  // The receiver serves HTTPS itself when given both; otherwise plain HTTP, for a TLS-terminating proxy in front.
  TLS_CERT_FILE: existingFile.optional(),
  TLS_KEY_FILE: existingFile.optional(),
  // Refuse (403) requests that did not arrive over HTTPS, directly or per X-Forwarded-Proto from a TRUST_PROXY address.
  REQUIRE_HTTPS: z.stringbool().default(false),
  // How long the receiver waits for a client: for a request's headers, for the whole request (a postback is a few
  // hundred bytes), and for the next request on an idle kept-alive connection. A client too slow for them gets 408
  // and its connection closed, so a crowd of trickling clients cannot hold the receiver's sockets for minutes.
  RECEIVER_HEADERS_TIMEOUT_MS: positiveInt.default(5000),
  RECEIVER_REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  RECEIVER_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5000),
  RATE_LIMIT_PER_KEY: positiveInt.default(5000),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(1),
  // Requests with an unknown or revoked key one client address may send per window before it gets 429 for them.
  AUTH_FAILURES_PER_ADDRESS: positiveInt.default(100),
  AUTH_FAILURE_WINDOW_SECONDS: positiveInt.default(60),
  // Refused postback requests (4xx on /v1/rejections) kept in Redis for the admin's GET /admin/refusals: the newest
  // REFUSAL_LOG_MAXLEN of all, and the newest REFUSAL_LOG_ENDPOINT_MAXLEN per rejection URL (refusals of a known key).
  // Never the key: the path is kept with its value masked, the body not at all. false: nothing is recorded.
  REFUSAL_LOG: z.stringbool().default(true),
  REFUSAL_LOG_MAXLEN: positiveInt.max(10_000_000).default(100_000),
  REFUSAL_LOG_ENDPOINT_MAXLEN: positiveInt.max(1_000_000).default(1000),
  // Wrong admin bearer tokens, failed session cookies and failed logins one client address may send per window
  // before the admin refuses it (429) altogether, even with the right token.
  ADMIN_AUTH_FAILURES_PER_ADDRESS: positiveInt.default(20),
  ADMIN_AUTH_FAILURE_WINDOW_SECONDS: positiveInt.default(60),
  // Receivers cache key look-ups this long; a revoked key stops working within it (the product promises 5 s).
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(5000).default(2000),
  // Jobs in flight per worker process; a job carries up to 500 postbacks (the receiver batches them).
  WORKER_CONCURRENCY: positiveInt.default(32),
  // 2000 and 3 measured fastest on two cores (README "Performance"): fewer statements to parse and plan per
  // postback, and the Node process overlaps its work with the Postgres backends of the other batches.
  WORKER_BATCH_SIZE: positiveInt.max(5000).default(2000),
  WORKER_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(2),
  // Batches one worker applies at once, each in its own transaction (and database connection).
  WORKER_BATCHES_IN_FLIGHT: positiveInt.max(64).default(3),
  JOB_ATTEMPTS: positiveInt.max(100).default(10),
  JOB_BACKOFF_MS: positiveInt.default(1000),
  // While Postgres is unreachable the worker pauses the queue this long per probe instead of burning attempts.
  STORE_OUTAGE_PAUSE_MS: positiveInt.default(2000),
  KEY_REGISTRY_SYNC_MS: positiveInt.default(30_000),
  // The worker touches this file every WORKER_HEARTBEAT_MS while it is consuming (connected to Redis); its
  // healthcheck (apps/worker/dist/healthcheck.js) fails once it is 3 intervals old. Unset: no heartbeat.
  WORKER_HEARTBEAT_FILE: z.string().min(1).optional(),
  WORKER_HEARTBEAT_MS: positiveInt.default(5000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(15_000),
  // postback_log rows received and processed longer ago than this go: a day partition once its whole day is that
  // old, rows of the default and legacy partitions RETENTION_BATCH_SIZE per statement. The worker's maintenance job
  // runs once per RETENTION_INTERVAL_MS across all workers (a BullMQ job scheduler) and keeps
  // POSTBACK_LOG_PARTITIONS_AHEAD_DAYS days after today partitioned ahead.
  POSTBACK_LOG_RETENTION_DAYS: positiveInt.default(90),
  POSTBACK_LOG_PARTITIONS_AHEAD_DAYS: positiveInt.max(365).default(7),
  RETENTION_BATCH_SIZE: positiveInt.max(100_000).default(5000),
  RETENTION_INTERVAL_MS: positiveInt.min(1000).default(3_600_000),
  // How often the worker's maintenance folds the report counts the batches appended (rejection_rollup_deltas) into
  // the hourly and daily rollups, once per interval across all workers: reports read both, so this bounds how many
  // delta rows a report adds up, never how fresh it is.
  REJECTION_ROLLUP_INTERVAL_MS: positiveInt.min(1000).default(60_000),
  // Dead-lettered jobs a replay puts back on the main queue per second (a replay may ask for less or more), so
  // replaying a large dead-letter queue leaves the workers room for live postbacks.
  DLQ_REPLAY_RATE_PER_SECOND: positiveInt.max(100_000).default(200),
  // Rows of a bulk rejection upload the admin queues per second, so a million-row file leaves the workers room
  // for live postbacks (a file of 100,000 rows takes 100 s at the default).
  BULK_REJECTIONS_PER_SECOND: positiveInt.max(100_000).default(1000),
  // Affiliate notifications (packages/core/src/notifications/): deliveries in flight per worker process, and at once
  // to one destination host across every worker (a counter in Redis), so one slow affiliate never holds the others.
  DELIVERY_CONCURRENCY: positiveInt.max(1000).default(50),
  // The delivery worker's own Postgres connections, apart from the batches' DATABASE_POOL_SIZE: its many short
  // statements never queue the rejection drain's transactions behind them, and take at most this many backends.
  DELIVERY_DATABASE_POOL_SIZE: positiveInt.max(100).default(4),
  DELIVERY_PER_DESTINATION: positiveInt.max(1000).default(4),
  // An attempt gives up on connecting after the first, on the whole exchange after the second.
  DELIVERY_CONNECT_TIMEOUT_MS: positiveInt.max(60_000).default(3000),
  DELIVERY_TIMEOUT_MS: positiveInt.max(300_000).default(10_000),
  // Attempts of a notification before it is dead-lettered; the wait before retry n is DELIVERY_BACKOFF_MS · 2^(n-1),
  // with jitter, at most DELIVERY_BACKOFF_MAX_MS (a Retry-After longer than that is honoured, up to an hour).
  DELIVERY_ATTEMPTS: positiveInt.max(100).default(12),
  DELIVERY_BACKOFF_MS: positiveInt.default(5000),
  DELIVERY_BACKOFF_MAX_MS: positiveInt.default(3_600_000),
  // The relay hands due notifications from the outbox to the delivery queue this often (and at once after a commit
  // that wrote one due now), and hands a pending one again once it was handed this long ago without being recorded.
  OUTBOX_RELAY_INTERVAL_MS: positiveInt.min(50).default(1000),
  OUTBOX_REHAND_AFTER_MS: positiveInt.min(1000).default(600_000),
  // While a worker process has a backlog (two batches' worth of postbacks or more yet to apply), its relay hands at
  // most this many notifications a second to the delivery queue; the rest stay pending in the outbox until the
  // backlog is worked off. Traffic the worker keeps up with is never held back. 10 against 50: the drain with
  // deliveries due at once went from 0.71 to 0.90 of the drain without (bench --affiliates, README "Performance").
  DELIVERY_RATE_WHILE_DRAINING: positiveInt.default(10),
  // Destinations must resolve to public addresses (checked at connect time, redirects included); true allows
  // loopback and private ranges (tests, an affiliate server inside the same network).
  OUTBOUND_ALLOW_PRIVATE: z.stringbool().default(false),
  // Notifications and their delivery attempts are kept this long after they were created.
  DELIVERY_LOG_RETENTION_DAYS: positiveInt.default(90),
  // How often the rejection-rate alert rules are evaluated, once per interval across all workers.
  ALERT_EVALUATION_INTERVAL_MS: positiveInt.min(1000).default(60_000),
  // Where migrateMain finds prisma/migrations; by default, the repository's (and the image's) own folder.
  MIGRATIONS_DIR: z.string().min(1).optional(),
});

const envSchema = envShape.superRefine(checkRedisMode).refine((env) => (env.TLS_CERT_FILE === undefined) === (env.TLS_KEY_FILE === undefined), {
  message: 'TLS_CERT_FILE and TLS_KEY_FILE must be given together',
  path: ['TLS_KEY_FILE'],
}).refine((env) => env.RECEIVER_HEADERS_TIMEOUT_MS <= env.RECEIVER_REQUEST_TIMEOUT_MS, {
  // Node refuses to start a server otherwise: the headers are part of the request.
  message: 'must not be longer than RECEIVER_REQUEST_TIMEOUT_MS',
  path: ['RECEIVER_HEADERS_TIMEOUT_MS'],
});

export type Env = z.infer<typeof envShape>;

/** One way to reach Redis, its sentinel settings only with sentinels, each credential in one place. */
function checkRedisMode(env: Env, ctx: z.RefinementCtx): void {
  const modes = REDIS_MODE_VARIABLES.filter((name) => env[name] !== undefined);
  if (modes.length > 1) {
    ctx.addIssue({ code: 'custom', message: `${modes.join(', ')}: set only one (standalone, cluster or sentinel)`, path: [modes[1]!] });
  }
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) {
    ctx.addIssue({ code: 'custom', message: 'required with REDIS_SENTINELS: the name of the primary they monitor', path: ['REDIS_SENTINEL_NAME'] });
  }
  for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
    if (env[name] !== undefined && env.REDIS_SENTINELS === undefined) {
      ctx.addIssue({ code: 'custom', message: 'only used with REDIS_SENTINELS, which is not set', path: [name] });
    }
  }
  // Two sources for one credential would leave the reader guessing which one is used. (These checks run even when
  // a variable failed its own: a REDIS_URL that is no URL has its message already.)
  const url = env.REDIS_URL !== undefined && URL.canParse(env.REDIS_URL) ? new URL(env.REDIS_URL) : undefined;
  if (url?.password && env.REDIS_PASSWORD !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'REDIS_URL has a password too: give it in one place', path: ['REDIS_PASSWORD'] });
  }
  if (url?.username && env.REDIS_USERNAME !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'REDIS_URL has a user name too: give it in one place', path: ['REDIS_USERNAME'] });
  }
}

/** The name of every environment variable the pipeline reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(envShape.shape));
export type Config = Readonly<Env & { PUBLIC_BASE_URL: string }>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates the environment once; the message names every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  const standalone = cfg.REDIS_CLUSTER_NODES === undefined && cfg.REDIS_SENTINELS === undefined;
  return Object.freeze({
    ...cfg,
    REDIS_URL: cfg.REDIS_URL ?? (standalone ? DEFAULT_REDIS_URL : undefined),
    PUBLIC_BASE_URL: cfg.PUBLIC_BASE_URL ?? `http://localhost:${cfg.PORT}`,
  });
}

/** For a process's main: on a bad environment, print which variables are wrong and exit 1 (no stack trace). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createPrisma, loadConfig, migrate, type Config, type PrismaClient } from '@postback/core';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Names carry the run's own suffix (the vitest process's pid), so two runs on one machine (two checkouts, CI and a
// developer) never recreate each other's databases or delete each other's keys.
const RUN = process.env.TEST_RUN_ID ?? String(process.ppid);
const databaseName = (tag: string) => `pp_test_${tag.replace(/\W/g, '_')}_${RUN}`;

export interface TestEnvironment {
  /** Environment variables for the apps: this file's own database and Redis key prefix. */
  env: Record<string, string>;
  cfg: Config;
  prisma: PrismaClient;
  databaseUrl: string;
  /** Drops the database and deletes the Redis keys. */
  teardown: () => Promise<void>;
}

/**
 * Every test file gets a database of its own (created fresh and migrated) and a Redis key prefix of its own,
 * so files can run in parallel against the one Postgres and Redis of the machine.
 */
export async function createTestEnvironment(
  tag: string,
  env: Record<string, string> = {},
  // The machine's Postgres and Redis unless a test brings servers of its own (the fault suite stops those): a
  // standalone Redis by its URL, or the variables that reach a cluster or sentinels of the test's own (the `env`
  // of a redisCluster.ts or redisSentinel.ts fixture), whose keys go with their servers.
  servers: { databaseServerUrl?: string; redisUrl?: string; redisEnv?: Record<string, string> } = {},
): Promise<TestEnvironment> {
  const serverUrl = servers.databaseServerUrl ?? SERVER_URL;
  const redisUrl = servers.redisUrl ?? REDIS_URL;
  const deletesKeys = servers.redisEnv === undefined;
  const database = databaseName(tag);
  await recreateDatabase(serverUrl, database);
  const databaseUrl = withDatabase(serverUrl, database);
  await migrate(databaseUrl, MIGRATIONS_DIR);
  const prefix = `{pp-test-${tag}-${RUN}}`;
  if (deletesKeys) await deleteRedisKeys(prefix, redisUrl);
  const appEnv: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    ...(servers.redisEnv ?? { REDIS_URL: redisUrl }),
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    JOB_BACKOFF_MS: '100',
    KEY_REGISTRY_SYNC_MS: '1000',
    // Off: spawned processes of files running in parallel would contend for the default metrics ports.
    RECEIVER_METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    ...env,
  };
  const cfg = loadConfig(appEnv);
  const prisma = createPrisma(databaseUrl, 4);
  return {
    env: appEnv,
    cfg,
    prisma,
    databaseUrl,
    async teardown() {
      await prisma.$disconnect();
      if (deletesKeys) await deleteRedisKeys(prefix, redisUrl);
      await dropDatabase(serverUrl, database);
    },
  };
}

/** An empty database of its own (no migrations applied), for tests of the migration runner itself. */
export async function createEmptyDatabase(tag: string): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  const database = databaseName(tag);
  await recreateDatabase(SERVER_URL, database);
  return { databaseUrl: withDatabase(SERVER_URL, database), drop: () => dropDatabase(SERVER_URL, database) };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(serverUrl: string, name: string): Promise<void> {
  await dropDatabase(serverUrl, name);
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * Deletes the keys under a QUEUE_PREFIX, its shards' tags (`{prefix-0}` … `{prefix-63}`), its refusal log's
 * (`{prefix-refusals}`) and its delivery queue's (`{prefix-deliveries}`).
 */
export async function deleteRedisKeys(prefix: string, redisUrl = REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl);
  const shardTagStem = prefix.slice(0, -1);
  try {
    for (const pattern of [`${prefix}*`, `${shardTagStem}-[0-9]}*`, `${shardTagStem}-[0-9][0-9]}*`, `${shardTagStem}-refusals}*`, `${shardTagStem}-deliveries}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The benchmark's own database and Redis prefix: created fresh, seeded, and removed afterwards.
import { Redis } from 'ioredis';
import pg from 'pg';
import { deliveryQueueTag, generateEndpointKey, hashEndpointKey, KeyRegistry, migrate } from '@postback/core';
import { fileURLToPath } from 'node:url';

const SERVER_URL = process.env.BENCH_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Named for this process: benchmarks run side by side on a shared machine must not drop each other's data.
export const PREFIX = `{pp-bench-${process.pid}}`;
const DATABASE = `pp_bench_${process.pid}`;
// The growth phase's copy of the seeded database, whose log stays as empty as the pre-filled one's is full.
const EMPTY_TWIN = `${DATABASE}_empty`;
const MIGRATIONS = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

/** The rejection reasons every phase sends. */
export const REASONS = ['bot_traffic', 'duplicate', 'chargeback', 'fraud', 'invalid_lead'];
export const ADVERTISERS = 10;
export const OFFERS_PER_ADVERTISER = 10;

export function databaseUrl(name = DATABASE) {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function onServer(sql) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every key of the bench's prefix, and of the delivery queue's tag derived from it (`{pp-bench-<pid>-deliveries}`). */
export async function deleteRedisKeys() {
  const redis = new Redis(REDIS_URL);
  for (const tag of [PREFIX, deliveryQueueTag(PREFIX)]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${tag}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
}

/**
 * A fresh database with `conversions` approved conversions (transaction ids tx-0 … tx-N-1) spread over 100 offers
 * of 10 advertisers, and one global rejection URL per advertiser registered for the receivers.
 */
export async function seed(conversions) {
  await onServer(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${DATABASE}`);
  await deleteRedisKeys();
  await migrate(databaseUrl(), MIGRATIONS);
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  const redis = new Redis(REDIS_URL);
  const registry = new KeyRegistry(redis, PREFIX);
  const keys = [];
  try {
    for (let a = 1; a <= ADVERTISERS; a++) {
      await db.query('INSERT INTO advertisers (id, name) VALUES ($1, $2)', [a, `advertiser ${a}`]);
      for (let o = 0; o < OFFERS_PER_ADVERTISER; o++) {
        const offerId = (a - 1) * OFFERS_PER_ADVERTISER + o + 1;
        await db.query('INSERT INTO offers (id, advertiser_id, name) VALUES ($1, $2, $3)', [offerId, a, `offer ${offerId}`]);
      }
      const key = generateEndpointKey();
      const { rows } = await db.query(
        "INSERT INTO rejection_endpoints (advertiser_id, scope, key_hash) VALUES ($1, 'global', $2) RETURNING id",
        [a, hashEndpointKey(key)],
      );
      await registry.register({ endpointId: rows[0].id, keyHash: hashEndpointKey(key), scope: { kind: 'global', advertiserId: a, offerId: null } });
      keys.push(key);
    }
    const offers = ADVERTISERS * OFFERS_PER_ADVERTISER;
    await db.query(
      `INSERT INTO conversions (transaction_id, offer_id, status)
       SELECT 'tx-' || i, 1 + (i % ${offers}), 'approved' FROM generate_series(0, $1::int - 1) AS i`,
      [conversions],
    );
    await db.query('ANALYZE');
  } finally {
    await db.end();
    redis.disconnect();
  }
  return { keys };
}

// What the worker writes per postback (the log, the history, rollups, affiliate postbacks and notifications): the
// twin starts with these empty.
const PER_POSTBACK_TABLES = [
  'postback_log', 'conversion_status_history', 'rejection_rollup_deltas', 'rejection_rollups_hourly',
  'rejection_rollups_daily', 'affiliate_postbacks', 'notifications', 'delivery_attempts',
];

/**
 * A copy of the bench's database as it stands, with the tables the worker writes per postback emptied: the same
 * conversions in the same pages, offers and URLs, so a drain of the same transaction ids does the same work in
 * either but for the log's size. Call it while no one is connected to the bench's database (a worker that has just
 * exited may still hold a backend for a moment, so it retries). Returns its URL; dropEmptyTwin() or dropAll()
 * removes it.
 */
export async function createEmptyTwin() {
  await dropEmptyTwin();
  for (let attempt = 1; ; attempt++) {
    try {
      // FILE_COPY: one checkpoint and a copy of the files, instead of writing the whole database to the WAL.
      await onServer(`CREATE DATABASE ${EMPTY_TWIN} TEMPLATE ${DATABASE} STRATEGY = FILE_COPY`);
      break;
    } catch (err) {
      // 55006 object_in_use: another session is connected to the template.
      if (err.code !== '55006' || attempt === 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const url = databaseUrl(EMPTY_TWIN);
  const twin = new pg.Client({ connectionString: url });
  await twin.connect();
  try {
    await twin.query(`TRUNCATE ${PER_POSTBACK_TABLES.join(', ')}`);
  } finally {
    await twin.end();
  }
  return url;
}

export async function dropEmptyTwin() {
  await onServer(`DROP DATABASE IF EXISTS ${EMPTY_TWIN} WITH (FORCE)`);
}

export async function dropAll() {
  await dropEmptyTwin();
  await onServer(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await deleteRedisKeys();
}

/** The advertiser (1-based) of conversion tx-i, as seed() lays them out. */
export function advertiserOf(i) {
  return Math.floor((i % (ADVERTISERS * OFFERS_PER_ADVERTISER)) / OFFERS_PER_ADVERTISER) + 1;
}

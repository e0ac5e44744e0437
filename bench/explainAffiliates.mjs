// EXPLAIN (ANALYZE, BUFFERS) of the worker's batch statement (applyRejections' one write) with affiliate postbacks
// off and on, on a database of its own: `npm run build && node bench/explainAffiliates.mjs [batch size] [prefill]`.
// The real applyRejections runs; its transaction's write is turned into an EXPLAIN ANALYZE and rolled back, so each
// batch is measured on the same untouched conversions. The notifications table first gets `prefill` delivered rows
// with random ids (default 200,000: what the benchmark's two delay-0 rounds leave, and what a database written
// before notification ids were time-ordered holds), since an index's insert cost depends on its size. "on" writes
// the outbox with its ids as they are (notification_id(), in time order); "on, random ids" with the column's
// default switched to gen_random_uuid() for the batch, as before migration 20261205090000. Prints each plan's top
// lines and the execution times.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPrisma } from '@postback/core';
import { applyRejections } from '../apps/worker/dist/applyRejections.js';
import { ADVERTISERS, advertiserOf, databaseUrl, dropAll, OFFERS_PER_ADVERTISER, REASONS, seed } from './seed.mjs';

const BATCH = Number(process.argv[2] ?? 1000);
const PREFILL = Number(process.argv[3] ?? 200_000);
const REPEATS = 9;
const PUBLISHERS = 50;

class Explained extends Error {}

await seed(0);
const db = new pg.Client({ connectionString: databaseUrl() });
await db.connect();
const prisma = createPrisma(databaseUrl(), 2);
try {
  const offers = ADVERTISERS * OFFERS_PER_ADVERTISER;
  for (const kind of ['off', 'on']) {
    const { rows } = await db.query(
      "INSERT INTO publishers (name) SELECT $1::text || ' ' || i FROM generate_series(1, $2::int) AS i RETURNING id",
      [kind, PUBLISHERS],
    );
    const ids = rows.map((r) => r.id);
    if (kind === 'on') {
      await db.query(
        `INSERT INTO affiliate_postbacks (publisher_id, url, method, events, delay_seconds)
         SELECT p, 'http://127.0.0.1:9/postback?tx={transaction_id}', 'GET', ARRAY['rejected', 'reason_updated'], 0
         FROM unnest($1::int[]) AS p`,
        [ids],
      );
    }
    await db.query(
      `INSERT INTO conversions (transaction_id, offer_id, status, publisher_id)
       SELECT $1::text || '-' || i, 1 + (i % ${offers}), 'approved', ($3::int[])[1 + (i % cardinality($3::int[]))]
       FROM generate_series(0, $2::int - 1) AS i`,
      [kind, BATCH, ids],
    );
  }
  await db.query(
    `INSERT INTO notifications (id, affiliate_postback_id, conversion_id, transaction_id, event, first_changed_at, due_at,
       state, finished_at)
     SELECT gen_random_uuid(), (SELECT min(id) FROM affiliate_postbacks), i, 'prefill-' || i, 'rejected', now(), now(),
       'delivered', now()
     FROM generate_series(1, $1::int) AS i`,
    [PREFILL],
  );
  await db.query('VACUUM ANALYZE');

  // The write statement (the one starting WITH changes) becomes an EXPLAIN ANALYZE; its plan is kept and the
  // transaction rolled back by throwing.
  let plan = null;
  const explaining = {
    $queryRaw: (...a) => prisma.$queryRaw(...a),
    $transaction: (fn, opts) =>
      prisma.$transaction((tx) => fn(new Proxy(tx, {
        get(target, name) {
          if (name !== '$queryRaw') return Reflect.get(target, name);
          return async (strings, ...values) => {
            if (!strings[0].includes('WITH changes')) return target.$queryRaw(strings, ...values);
            const explained = [`EXPLAIN (ANALYZE, BUFFERS) ${strings[0]}`, ...strings.slice(1)];
            const rows = await target.$queryRaw(Object.assign(explained, { raw: explained }), ...values);
            plan = rows.map((r) => r['QUERY PLAN']);
            throw new Explained();
          };
        },
      })), opts),
  };
  let seq = 1;
  const batchOf = (kind) => Array.from({ length: BATCH }, (_, i) => ({
    // Conversion i is on offer 1 + (i % 100), as seed() lays tx-i: its advertiser's global URL is in scope.
    postback: {
      postbackId: randomUUID(), endpointId: advertiserOf(i), scope: { kind: 'global', advertiserId: advertiserOf(i), offerId: null },
      transactionId: `${kind}-${i}`, reason: REASONS[i % REASONS.length], seq: seq++, receivedAt: Date.now(),
    },
    attempts: 1, shard: 'explain',
  }));
  // Which conversions a kind's batch rejects ('on, random ids' rejects the same as 'on').
  const conversionsOf = { off: 'off', on: 'on', 'on, random ids': 'on' };
  const setIdDefault = (expression) => db.query(`ALTER TABLE notifications ALTER COLUMN id SET DEFAULT ${expression}`);
  const times = Object.fromEntries(Object.keys(conversionsOf).map((kind) => [kind, []]));
  for (let r = 0; r < REPEATS; r++) {
    for (const kind of Object.keys(conversionsOf)) {
      if (kind === 'on, random ids') await setIdDefault('gen_random_uuid()');
      try {
        await applyRejections(explaining, batchOf(conversionsOf[kind]), { revokedSeqs: async () => new Map() });
      } catch (err) {
        if (!(err instanceof Explained)) throw err;
      } finally {
        if (kind === 'on, random ids') await setIdDefault('notification_id()');
      }
      times[kind].push(Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1))[1]));
      if (r === REPEATS - 1) console.log(`--- ${kind}, ${BATCH} changes\n${plan.join('\n')}\n`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${PREFILL} notifications in the table before each batch`);
  for (const [kind, xs] of Object.entries(times)) console.log(`${kind}: execution ms ${xs.join(', ')} (median ${median(xs)})`);
} finally {
  await prisma.$disconnect();
  await db.end();
  await dropAll();
}

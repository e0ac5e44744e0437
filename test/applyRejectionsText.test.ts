// Transaction ids and reasons are the advertiser's text: whatever characters they hold, the worker's batch statement
// (its columns travel as array literals, see apps/worker/src/pgArrayLiteral.ts) must find the conversion and write
// the very same text to the conversion, its history and the log, with no row shifted onto another's values.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { globalScope, KeyRegistry } from '@postback/core';
import { applyRejections, type PostbackToApply } from '../apps/worker/src/applyRejections.js';
import { pgArrayLiteral } from '../apps/worker/src/pgArrayLiteral.js';
import { givenConversion, givenOffer } from './helpers/fixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let redis: Redis;
let registry: KeyRegistry;

beforeAll(async () => {
  t = await createTestEnvironment('apply_rejections_text');
  redis = new Redis(t.cfg.REDIS_URL!);
  registry = new KeyRegistry(redis, t.cfg.QUEUE_PREFIX);
});

afterAll(async () => {
  redis?.disconnect();
  await t?.teardown();
});

// What array_in would split, trim, unescape or read as NULL if it went unquoted, and text beyond ASCII.
const HOSTILE = ['', 'NULL', 'null', 'a,b', '{x}', '{', ' lead', 'trail ', 'tab\tin', 'new\nline', 'say "hi"',
  'C:\\dir\\', '\\"', "it's", 'ünïcödé ✓', '🙂'];

it('reads back through Prisma and Postgres exactly the text it was given, in order', async () => {
  const values = [...HOSTILE, null, 'plain'];
  const [row] = await t.prisma.$queryRaw<Array<{ v: Array<string | null> }>>`SELECT ${pgArrayLiteral(values)}::text[] AS v`;
  expect(row!.v).toEqual(values);
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT $1::text[] AS v', [pgArrayLiteral(values)]);
    expect(rows[0].v).toEqual(values);
  } finally {
    await client.end();
  }
});

it('applies postbacks whose transaction ids and reasons hold any character, each to its own conversion', async () => {
  const offer = await givenOffer(t.prisma);
  const texts = HOSTILE.filter((s) => s !== '');
  const conversions = await Promise.all(texts.map((text) => givenConversion(t.prisma, { offerId: offer.id, transactionId: `tx ${text}` })));
  const receivedAt = Date.now();
  const postbacks: PostbackToApply[] = conversions.map((c, i) => ({
    postback: {
      postbackId: randomUUID(), endpointId: 1, scope: globalScope(offer.advertiserId),
      // Each reason differs from its neighbours', so a value landing on the wrong row shows.
      transactionId: c.transactionId, reason: `${texts[i]}|${i}`, seq: 1000 + i, receivedAt,
    },
    attempts: 1, shard: t.cfg.QUEUE_PREFIX,
  }));

  const { outcomes } = await applyRejections(t.prisma, postbacks, registry);
  expect(outcomes).toEqual(postbacks.map(() => 'rejected'));

  for (const [i, { postback: p }] of postbacks.entries()) {
    const conversion = await t.prisma.conversion.findUniqueOrThrow({ where: { id: conversions[i]!.id } });
    expect(conversion).toMatchObject({ status: 'rejected', rejectedReason: p.reason, lastPostbackSeq: BigInt(p.seq) });
    const history = await t.prisma.conversionStatusHistory.findUniqueOrThrow({ where: { postbackId: p.postbackId } });
    expect(history).toMatchObject({ conversionId: conversions[i]!.id, newReason: p.reason, toStatus: 'rejected' });
    const log = await t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: p.postbackId } });
    expect(log).toMatchObject({ transactionId: p.transactionId, reason: p.reason, outcome: 'rejected', seq: BigInt(p.seq) });
    expect(log.receivedAt.getTime()).toBe(receivedAt);
  }

  // Delivered again: each is found in the log by its receipt time and id, and nothing is applied twice.
  const again = await applyRejections(t.prisma, postbacks.map((p) => ({ ...p, attempts: 2 })), registry);
  expect(again.outcomes).toEqual(postbacks.map(() => 'rejected'));
  expect(again.applied).toEqual([]);
});

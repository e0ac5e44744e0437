// The pipeline end to end on a Redis Cluster of three primaries and three replicas (appendonly), configured as the
// README's cluster section says: QUEUE_SHARDS=3 and ACK_REPLICAS=1. Each app is its own process from dist/ (npm
// run build first). Where the shards sit (CLUSTER KEYSLOT, CLUSTER NODES), every row of the transition table
// (packages/core/src/transitions.test.ts), both URL scopes, and a dead letter per shard replayed by the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfTransaction, type Outcome } from '@postback/core';
import { showConversion } from '../../apps/admin/src/services/conversions.js';
import { givenAdvertiser, givenConversion, givenOffer, givenPostbackLogRefusing, givenRejectionUrl } from '../helpers/fixtures.js';
import { connectAdminDeps, sendPostback, type AdminHandle } from '../helpers/pipeline.js';
import { startRedisCluster, type RedisClusterFixture } from '../helpers/redisCluster.js';
import { spawnApp, type AppProcess } from '../helpers/spawnApp.js';
import { spawnPipeline, type SpawnedPipeline } from '../helpers/spawnedPipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from '../helpers/testEnvironment.js';
import { clusterEnv, primaryOfShard, SHARD_TAGS, SHARDS, shardKey } from './helpers/onCluster.js';

let cluster: RedisClusterFixture;
let t: TestEnvironment;
let admin: AdminHandle;
let apps: SpawnedPipeline;
// A worker started by a test in place of the pipeline's (stopped) one.
let worker: AppProcess | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1, nodeTimeoutMs: 5000 });
  // KEY_CACHE_TTL_MS at its longest: the revoked rows need a receiver that still takes a key just revoked.
  const env = clusterEnv(cluster, 1, { KEY_CACHE_TTL_MS: '5000', JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '100' });
  t = await createTestEnvironment('faults_cluster_pipeline', env, { redisEnv: cluster.env });
  admin = connectAdminDeps(t.cfg);
  apps = await spawnPipeline(t.env);
}, 180_000);

afterAll(async () => {
  await Promise.all([apps?.stop(), worker?.stop()]);
  await admin?.close();
  await t?.teardown();
  await cluster?.stop();
});

let txCounter = 0;
/** A transaction id of this file whose postbacks go to shard `index`. */
function transactionOnShard(index: number): string {
  for (;;) {
    const tx = `cluster-tx-${++txCounter}`;
    if (shardOfTransaction(tx, SHARDS) === index) return tx;
  }
}

async function send(key: string, transactionId: string, reason: string): Promise<string> {
  const answer = await sendPostback(apps.receiverUrl, { key, transaction_id: transactionId, new_rejected_reason: reason });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return String(answer.body.postback_id);
}

async function outcomeOf(postbackId: string): Promise<{ outcome: Outcome; seq: bigint }> {
  return eventually(async () => {
    const row = await t.prisma.postbackLog.findFirst({ where: { postbackId } });
    return row ? { outcome: row.outcome as Outcome, seq: row.seq } : undefined;
  }, 60_000, `postback ${postbackId} to be applied`);
}

function conversionRow(transactionId: string) {
  return t.prisma.conversion.findUniqueOrThrow({ where: { transactionId } });
}

describe('QUEUE_SHARDS=3 on a cluster of 3 primaries', () => {
  it('puts the default shard tags {postback-0..2} in slots of three different primaries, and their jobs there', async () => {
    const asked = cluster.answeringNode();
    const slots = await Promise.all(SHARD_TAGS.map((_, i) => asked.command('CLUSTER', 'KEYSLOT', shardKey(i))));
    // CRC16 of the tag mod 16384; `redis-cli --cluster create` gives 3 primaries 0-5460, 5461-10922, 10923-16383.
    expect(slots.map(Number)).toEqual([2694, 6823, 10948]);
    const owners = await Promise.all(SHARD_TAGS.map((_, i) => primaryOfShard(cluster, i)));
    expect(new Set(owners.map((o) => o.port)).size).toBe(3);

    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const ids = await Promise.all(
      SHARD_TAGS.map(async (_, i) => {
        const { transactionId } = await givenConversion(t.prisma, { offerId: offer.id, transactionId: transactionOnShard(i) });
        return send(key, transactionId, 'fraud');
      }),
    );
    for (const id of ids) expect((await outcomeOf(id)).outcome).toBe('rejected');
    // Each shard's queue lives on its own primary: the node holds its event stream itself (no MOVED).
    for (const [i, owner] of owners.entries()) {
      expect(Number(await owner.command('EXISTS', `${SHARD_TAGS[i]}:rejections:events`)), SHARD_TAGS[i]).toBe(1);
    }
  });
});

describe('the transition table, end to end on the cluster', () => {
  // A conversion's last applied postback, set far ahead of any receipt seq this test hands out (those are about
  // Redis's clock in µs, 1.8e15 in 2026, and stay below 2^53): "a postback received later was already applied".
  const LATER_SEQ = 8n * 10n ** 15n;

  it('gives every row its outcome, state and history, with global and offer-level URLs', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const [offer, otherOffer] = [await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id)];
    const foreignOffer = await givenOffer(t.prisma);
    const globalKey = (await givenRejectionUrl(admin, { advertiserId: advertiser.id })).key;
    const offerKey = (await givenRejectionUrl(admin, { offerId: offer.id })).key;

    interface Row {
      name: string;
      conversion: { offerId: number; status?: 'approved' | 'pending' | 'rejected'; rejectedReason?: string; lastPostbackSeq?: bigint } | null;
      key: string;
      outcome: Outcome;
      after: { status: string; rejected_reason: string | null } | 'untouched';
      history: number;
    }
    const rows: Row[] = [
      { name: 'approved → rejected with the reason', conversion: { offerId: offer.id }, key: globalKey, outcome: 'rejected', after: { status: 'rejected', rejected_reason: 'bot_traffic' }, history: 1 },
      { name: 'pending → rejected', conversion: { offerId: offer.id, status: 'pending' }, key: offerKey, outcome: 'rejected', after: { status: 'rejected', rejected_reason: 'bot_traffic' }, history: 1 },
      { name: 'rejected for another reason → reason replaced', conversion: { offerId: offer.id, status: 'rejected', rejectedReason: 'duplicate' }, key: offerKey, outcome: 'reason_updated', after: { status: 'rejected', rejected_reason: 'bot_traffic' }, history: 1 },
      { name: 'rejected for the same reason → unchanged, no history', conversion: { offerId: offer.id, status: 'rejected', rejectedReason: 'bot_traffic' }, key: offerKey, outcome: 'unchanged', after: { status: 'rejected', rejected_reason: 'bot_traffic' }, history: 0 },
      { name: 'no such conversion → not_found', conversion: null, key: offerKey, outcome: 'not_found', after: 'untouched', history: 0 },
      { name: "offer-level URL, another advertiser's conversion → out_of_scope", conversion: { offerId: foreignOffer.id }, key: offerKey, outcome: 'out_of_scope', after: 'untouched', history: 0 },
      { name: "global URL, another advertiser's conversion → out_of_scope", conversion: { offerId: foreignOffer.id }, key: globalKey, outcome: 'out_of_scope', after: 'untouched', history: 0 },
      { name: 'global URL, another offer of its advertiser → applied', conversion: { offerId: otherOffer.id }, key: globalKey, outcome: 'rejected', after: { status: 'rejected', rejected_reason: 'bot_traffic' }, history: 1 },
      { name: 'offer-level URL, its own offer → applied', conversion: { offerId: offer.id }, key: offerKey, outcome: 'rejected', after: { status: 'rejected', rejected_reason: 'bot_traffic' }, history: 1 },
      { name: 'older than the postback already applied → superseded', conversion: { offerId: offer.id, status: 'rejected', rejectedReason: 'chargeback', lastPostbackSeq: LATER_SEQ }, key: offerKey, outcome: 'superseded', after: 'untouched', history: 0 },
      { name: 'out of scope wins over superseded', conversion: { offerId: otherOffer.id, lastPostbackSeq: LATER_SEQ }, key: offerKey, outcome: 'out_of_scope', after: 'untouched', history: 0 },
      { name: 'offer-level URL, another offer of the same advertiser → out_of_scope', conversion: { offerId: otherOffer.id }, key: offerKey, outcome: 'out_of_scope', after: 'untouched', history: 0 },
    ];
    const sent = await Promise.all(
      rows.map(async (row, i) => {
        const transactionId = transactionOnShard(i % SHARDS);
        if (row.conversion) {
          const { lastPostbackSeq, ...conversion } = row.conversion;
          const created = await givenConversion(t.prisma, { ...conversion, transactionId });
          if (lastPostbackSeq) await t.prisma.conversion.update({ where: { id: created.id }, data: { lastPostbackSeq } });
        }
        const before = row.conversion ? await conversionRow(transactionId) : undefined;
        return { row, transactionId, before, postbackId: await send(row.key, transactionId, 'bot_traffic') };
      }),
    );
    for (const { row, transactionId, before, postbackId } of sent) {
      expect((await outcomeOf(postbackId)).outcome, row.name).toBe(row.outcome);
      if (!before) continue;
      // Untouched is the whole row: status, reason, last postback seq and updated_at.
      if (row.after === 'untouched') expect(await conversionRow(transactionId), row.name).toEqual(before);
      const now = await showConversion(t.prisma, transactionId);
      if (row.after !== 'untouched') expect(now, row.name).toMatchObject(row.after);
      expect(now.history, row.name).toHaveLength(row.history);
    }
  });

  it('newer than the postback already applied → applied, its seq now the last one', async () => {
    const offer = await givenOffer(t.prisma);
    const key = (await givenRejectionUrl(admin, { offerId: offer.id })).key;
    const { transactionId, id } = await givenConversion(t.prisma, { offerId: offer.id, transactionId: transactionOnShard(1) });
    expect((await outcomeOf(await send(key, transactionId, 'chargeback'))).outcome).toBe('rejected');
    const newer = await outcomeOf(await send(key, transactionId, 'bot_traffic'));
    expect(newer.outcome).toBe('reason_updated');
    expect((await t.prisma.conversion.findUniqueOrThrow({ where: { id } })).lastPostbackSeq).toBe(newer.seq);
    expect(await showConversion(t.prisma, transactionId)).toMatchObject({ rejected_reason: 'bot_traffic', history: [expect.anything(), expect.anything()] });
  });

  it('applies what was received before a revocation and nothing received after it, though a receiver took both', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const [offer, otherOffer] = [await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id)];
    const url = await givenRejectionUrl(admin, { offerId: offer.id });
    const before = await givenConversion(t.prisma, { offerId: offer.id, transactionId: transactionOnShard(0) });
    const after = await givenConversion(t.prisma, { offerId: offer.id, transactionId: transactionOnShard(1) });
    const afterOutOfScope = await givenConversion(t.prisma, { offerId: otherOffer.id, transactionId: transactionOnShard(2) });
    await t.prisma.conversion.update({ where: { id: afterOutOfScope.id }, data: { lastPostbackSeq: LATER_SEQ } });

    // No worker while it happens: every postback is applied after the revocation, by receipt seq alone.
    await apps.worker.stop();
    const sentBefore = await send(url.key, before.transactionId, 'bot_traffic');
    const revoked = await apps.cli('rejection-url', 'revoke', String(url.id));
    expect(revoked.code, revoked.stderr).toBe(0);
    // Still within the receiver's key cache (KEY_CACHE_TTL_MS=5000): it answers 202, as it may.
    const sentAfter = await send(url.key, after.transactionId, 'bot_traffic');
    const sentAfterUnknown = await send(url.key, `${transactionOnShard(0)}-untracked`, 'bot_traffic');
    const sentAfterOutOfScope = await send(url.key, afterOutOfScope.transactionId, 'bot_traffic');
    worker = spawnApp('worker', { ...t.env, LOG_LEVEL: 'info' });
    await worker.waitForLog((l) => l.msg === 'worker consuming', 60_000);

    expect((await outcomeOf(sentBefore)).outcome, 'received before its key was revoked → applied').toBe('rejected');
    expect((await outcomeOf(sentAfter)).outcome, 'received after → revoked').toBe('revoked');
    expect((await outcomeOf(sentAfterUnknown)).outcome, 'revoked wins over not_found').toBe('revoked');
    expect((await outcomeOf(sentAfterOutOfScope)).outcome, 'revoked wins over out_of_scope and superseded').toBe('revoked');
    expect(await showConversion(t.prisma, before.transactionId)).toMatchObject({ status: 'rejected', history: [expect.anything()] });
    expect(await showConversion(t.prisma, after.transactionId)).toMatchObject({ status: 'approved', rejected_reason: null, history: [] });
    expect(await showConversion(t.prisma, afterOutOfScope.transactionId)).toMatchObject({ status: 'approved', history: [] });
  });
});

describe('dead letters on the cluster', () => {
  it("dead-letters a refused postback in its own shard's dead-letter queue, and a CLI replay after the fix applies it once", async () => {
    const offer = await givenOffer(t.prisma);
    const key = (await givenRejectionUrl(admin, { offerId: offer.id })).key;
    const transactions = await Promise.all(
      SHARD_TAGS.map(async (_, i) => (await givenConversion(t.prisma, { offerId: offer.id, transactionId: transactionOnShard(i) })).transactionId),
    );
    const fixes = await Promise.all(transactions.map((tx) => givenPostbackLogRefusing(t.prisma, tx)));
    const ids = await Promise.all(transactions.map((tx) => send(key, tx, 'fraud')));

    type Listed = { total: number; jobs: Array<{ id: string; shard: string; transaction_id: string; attempts: number }> };
    const listed = await eventually(async () => {
      const list = JSON.parse((await apps.cli('dlq', 'list')).stdout) as Listed;
      return list.total === 3 ? list : undefined;
    }, 60_000, 'three dead letters');
    expect(listed.jobs.map((j) => [j.transaction_id, j.shard]).sort()).toEqual(transactions.map((tx, i) => [tx, SHARD_TAGS[i]]).sort());
    expect(listed.jobs.every((j) => j.attempts === 2)).toBe(true);

    for (const fix of fixes) await fix();
    const replay = await apps.cli('dlq', 'replay', ...listed.jobs.map((j) => j.id));
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ status: 'completed', replayed: 3 });
    for (const id of ids) expect((await outcomeOf(id)).outcome).toBe('rejected');
    for (const tx of transactions) expect((await showConversion(t.prisma, tx)).history).toHaveLength(1);
    expect(JSON.parse((await apps.cli('dlq', 'list')).stdout)).toMatchObject({ total: 0 });
  });
});

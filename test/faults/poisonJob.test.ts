import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { POSTBACK_JOB_NAME, postbackJobOptions, type PostbackJob } from '@postback/core';
import { deleteDeadLetter, replayDeadLetters } from '../../apps/admin/src/services/deadLetters.js';
import { createDlqReplays } from '../../apps/admin/src/services/dlqReplays.js';
import { givenConversion } from '../helpers/fixtures.js';
import { onlyShard } from '../helpers/pipeline.js';
import type { AppProcess } from '../helpers/spawnApp.js';
import { eventually } from '../helpers/testEnvironment.js';
import { startBurst, whenFinished } from './helpers/burst.js';
import { startReceiverProcess, startWorkerProcess, type ReceiverProcess } from './helpers/processes.js';
import { expectExactlyOnce, recordSummary } from './helpers/results.js';
import { setUpScenario, type Scenario } from './helpers/scenario.js';
import { snapshotConversions } from './helpers/verify.js';

const POISON_REASON = 'poison';

let s: Scenario;
let receiver: ReceiverProcess;
let worker: AppProcess;

beforeAll(async () => {
  s = await setUpScenario('6 poison jobs mid-burst, replay after the fix', { env: { JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '100' }, shape: { postbacks: 4000 } });
  receiver = await startReceiverProcess(s.t.env);
  worker = await startWorkerProcess(s.t.env);
});

afterAll(async () => {
  await Promise.all([receiver?.app.stop(), worker?.stop()]);
  await s?.close();
});

it('dead-letters poison jobs without holding up the burst, and a replay after the fix applies the postback once', async () => {
  // The cause an operator can fix: a CHECK constraint that refuses one reason.
  const endpoint = s.world.keys.find((k) => k.scope.offerId !== null)!;
  const target = await givenConversion(s.t.prisma, { offerId: endpoint.scope.offerId!, status: 'approved', transactionId: 'faults-poison-tx' });
  s.before = await snapshotConversions(s.t.prisma);
  await s.t.prisma.$executeRawUnsafe(
    `ALTER TABLE conversions ADD CONSTRAINT faults_refuse_poison CHECK (rejected_reason IS DISTINCT FROM '${POISON_REASON}') NOT VALID`,
  );

  const startedAt = Date.now();
  const burst = startBurst(s.world.plan, { targets: [receiver.baseUrl], concurrency: 32, perSecond: 800 });
  await whenFinished(burst, s.world.plan.length * 0.25);
  // Added straight to the queue, as an old deploy or a hand-made job would: one the database refuses, one unreadable.
  const refusedId = randomUUID();
  const refused: PostbackJob = {
    v: 1,
    postbackId: refusedId,
    endpointId: endpoint.endpointId,
    scope: endpoint.scope,
    transactionId: target.transactionId,
    reason: POISON_REASON,
    seq: Date.now() * 1000,
    receivedAt: Date.now(),
  };
  await onlyShard(s.admin).queue.add(POSTBACK_JOB_NAME, refused, postbackJobOptions(s.t.cfg, refusedId));
  const unreadableId = 'faults-unreadable';
  await onlyShard(s.admin).queue.add(POSTBACK_JOB_NAME, { v: 1, postbackId: 'not-a-uuid', seq: 'soon' } as never, postbackJobOptions(s.t.cfg, unreadableId));
  const injectedAt = Date.now();
  const unreadable = await eventually(async () => (await onlyShard(s.admin).deadLetters.getJob(unreadableId)) ?? undefined, 10_000, 'the unreadable job in the DLQ');
  const unreadableMs = Date.now() - injectedAt;
  const dead = await eventually(async () => (await onlyShard(s.admin).deadLetters.getJob(refusedId)) ?? undefined, 20_000, 'the refused job in the DLQ');
  const refusedMs = Date.now() - injectedAt;
  const finishedWhenDeadLettered = burst.finished();
  await burst.done;
  // The burst is applied in full while both poison jobs sit in the dead-letter queue.
  const whileDead = await s.verify(burst.answers, startedAt);
  expect(whileDead.lost).toBe(0);
  expect(await onlyShard(s.admin).deadLetters.getWaitingCount()).toBe(2);
  expect(await s.t.prisma.postbackLog.count({ where: { postbackId: refusedId } })).toBe(0);

  // Fix the cause, replay the one that can be applied, drop the one nobody can read.
  await s.t.prisma.$executeRawUnsafe('ALTER TABLE conversions DROP CONSTRAINT faults_refuse_poison');
  expect(await replayDeadLetters(createDlqReplays(s.admin), { ids: [refusedId] }, 'faults')).toMatchObject({ replayed: 1, missing: [] });
  expect(await deleteDeadLetter(s.admin, unreadableId)).toEqual({ deleted: unreadableId });

  const summary = await s.verify(burst.answers, startedAt, { injected: [refusedId] });
  summary.notes = {
    ...summary.notes,
    unreadable_dead_lettered_after_ms: unreadableMs,
    unreadable_attempts: unreadable.data.attemptsMade,
    refused_dead_lettered_after_ms: refusedMs,
    refused_attempts: dead.data.attemptsMade,
    burst_requests_finished_when_dead_lettered: finishedWhenDeadLettered,
  };
  recordSummary(summary);
  expectExactlyOnce(summary);
  expect(unreadable.data.attemptsMade).toBe(1);
  // A constraint refusing the postback cannot pass on a retry: it is dead-lettered at its first attempt.
  expect(dead.data.attemptsMade).toBe(1);
  expect(dead.data.failedReason).toContain('faults_refuse_poison');
  expect(finishedWhenDeadLettered).toBeLessThan(s.world.plan.length);
  expect(summary.deadLettered).toBe(0);
  expect(summary.appliedWithoutAck).toBe(0);
  const log = await s.t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: refusedId } });
  expect(log.outcome).toBe('rejected');
  expect(await s.t.prisma.conversionStatusHistory.count({ where: { postbackId: refusedId } })).toBe(1);
  expect(await s.t.prisma.conversion.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ status: 'rejected', rejectedReason: POISON_REASON });
});

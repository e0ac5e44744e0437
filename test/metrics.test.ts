// The receiver, worker and admin run as their own processes, as in production; each /metrics is scraped over
// HTTP and checked against what the pipeline did (the 202s sent, postback_log, the dead-letter queue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOMES } from '@postback/core';
import { givenConversion, givenOffer, givenPostbackLogRefusing, givenRejectionUrl } from './helpers/fixtures.js';
import { freePort } from './helpers/freePort.js';
import { connectAdminDeps, onlyShard, sendPostback, type AdminHandle } from './helpers/pipeline.js';
import { scrape, valueOf } from './helpers/scrapeMetrics.js';
import { spawnApp, type AppProcess } from './helpers/spawnApp.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const ADMIN_TOKEN = 'metrics-test-admin-token-0123456789';

let t: TestEnvironment;
let admin: AdminHandle;
let receiver: AppProcess;
let worker: AppProcess;
let adminApp: AppProcess;
let baseUrl: string;
let receiverMetrics: string;
let workerMetrics: string;
let adminMetrics: string;
let key: string;
let offerId: number;

beforeAll(async () => {
  t = await createTestEnvironment('metrics', { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50' });
  admin = connectAdminDeps(t.cfg);
  const [port, receiverPort, workerPort, adminPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = { ...t.env, LOG_LEVEL: 'info', HOST: '127.0.0.1' };
  receiver = spawnApp('receiver', { ...env, PORT: String(port), RECEIVER_METRICS_PORT: String(receiverPort) });
  worker = spawnApp('worker', { ...env, WORKER_METRICS_PORT: String(workerPort) });
  adminApp = spawnApp('admin', { ...env, ADMIN_PORT: String(adminPort), ADMIN_TOKEN });
  baseUrl = `http://127.0.0.1:${port}`;
  receiverMetrics = `http://127.0.0.1:${receiverPort}/metrics`;
  workerMetrics = `http://127.0.0.1:${workerPort}/metrics`;
  adminMetrics = `http://127.0.0.1:${adminPort}/metrics`;
  const listening = (l: Record<string, unknown>) => l.msg === 'metrics listening';
  await Promise.all([
    receiver.waitForLog((l) => l.msg === 'receiver listening'),
    receiver.waitForLog(listening),
    worker.waitForLog((l) => l.msg === 'worker consuming'),
    worker.waitForLog(listening),
    adminApp.waitForLog((l) => l.msg === 'admin API listening'),
  ]);
  offerId = (await givenOffer(t.prisma)).id;
  key = (await givenRejectionUrl(admin, { offerId })).key;
});

afterAll(async () => {
  await Promise.all([receiver?.stop(), worker?.stop(), adminApp?.stop()]);
  await admin?.close();
  await t?.teardown();
});

const logged = () => t.prisma.postbackLog.count();

describe('metrics', () => {
  it('counts answers by route and status, and times every 202 and the jobs stored', async () => {
    const before = await scrape(receiverMetrics);
    const conversions = await Promise.all(Array.from({ length: 5 }, () => givenConversion(t.prisma, { offerId })));
    const answers = await Promise.all(
      conversions.map((c) => sendPostback(baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: c.transactionId })),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect((await sendPostback(baseUrl, { key: 'no-such-key', new_rejected_reason: 'x', transaction_id: 'y' })).status).toBe(401);
    expect((await sendPostback(baseUrl, { key, transaction_id: 'y' })).status).toBe(400);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);

    const after = await scrape(receiverMetrics);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    const requests = 'postback_receiver_requests_total';
    expect(delta(requests, { route: '/v1/rejections', status: '202' })).toBe(5);
    expect(delta(requests, { route: '/v1/rejections', status: '401' })).toBe(1);
    expect(delta(requests, { route: '/v1/rejections', status: '400' })).toBe(1);
    expect(delta(requests, { route: '/healthz', status: '200' })).toBe(1);
    expect(delta('postback_receiver_ack_seconds_count')).toBe(5);
    expect(delta('postback_receiver_ack_seconds_sum')).toBeGreaterThan(0);
    expect(delta('postback_receiver_ack_seconds_bucket', { le: '+Inf' })).toBe(5);
    // Postbacks per stored job: all five are in some job, each job holds at least one.
    expect(delta('postback_receiver_job_postbacks_sum')).toBe(5);
    expect(delta('postback_receiver_job_postbacks_count')).toBeGreaterThanOrEqual(1);
    // The process metrics main.ts adds.
    expect(valueOf(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts processed postbacks by the outcome postback_log records, and their time from receipt', async () => {
    const approved = await givenConversion(t.prisma, { offerId });
    const rejected = await givenConversion(t.prisma, { offerId, status: 'rejected', rejectedReason: 'old' });
    const sent = [
      { transaction_id: approved.transactionId, new_rejected_reason: 'bot_traffic' },
      { transaction_id: rejected.transactionId, new_rejected_reason: 'new' },
      { transaction_id: 'tx-nobody-knows', new_rejected_reason: 'fraud' },
    ];
    for (const p of sent) expect((await sendPostback(baseUrl, { key, ...p })).status).toBe(202);
    const sentSoFar = 5 + sent.length;
    await eventually(async () => (await logged()) === sentSoFar, 20_000, 'every postback to be processed');

    const byOutcome = await t.prisma.postbackLog.groupBy({ by: ['outcome'], _count: { _all: true } });
    const expected = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
    for (const row of byOutcome) expected[row.outcome] = row._count._all;
    expect(expected).toMatchObject({ rejected: 6, reason_updated: 1, not_found: 1 });
    const samples = await scrape(workerMetrics);
    for (const outcome of OUTCOMES) {
      expect(valueOf(samples, 'postback_worker_postbacks_total', { outcome }), outcome).toBe(expected[outcome]);
    }
    expect(valueOf(samples, 'postback_worker_receipt_to_applied_seconds_count')).toBe(sentSoFar);
    expect(valueOf(samples, 'postback_worker_receipt_to_applied_seconds_sum')).toBeGreaterThan(0);
    expect(valueOf(samples, 'postback_worker_consuming')).toBe(1);
    expect(valueOf(samples, 'postback_worker_database_errors_total', { kind: 'unreachable' })).toBe(0);
  });

  it('does not count a redelivered postback again: the counters still equal postback_log', async () => {
    const first = await t.prisma.postbackLog.findFirstOrThrow({ where: { outcome: 'rejected' } });
    const before = await scrape(workerMetrics);
    // The very same postback delivered again, as after a worker crash between commit and acknowledgement.
    const redelivery = await onlyShard(admin).queue.add('rejection', {
      v: 1,
      postbackId: first.postbackId,
      endpointId: first.endpointId!,
      scope: { kind: 'offer', advertiserId: (await t.prisma.offer.findUniqueOrThrow({ where: { id: offerId } })).advertiserId, offerId },
      transactionId: first.transactionId,
      reason: first.reason,
      seq: Number(first.seq),
      receivedAt: first.receivedAt.getTime(),
    }, { jobId: `redelivery-${first.postbackId}` });
    await worker.waitForLog((l) => l.msg === 'job applied' && l.job_id === redelivery.id);

    const after = await scrape(workerMetrics);
    for (const outcome of OUTCOMES) {
      const logged = await t.prisma.postbackLog.count({ where: { outcome } });
      expect(valueOf(after, 'postback_worker_postbacks_total', { outcome }), outcome).toBe(logged);
    }
    expect(valueOf(after, 'postback_worker_receipt_to_applied_seconds_count')).toBe(
      valueOf(before, 'postback_worker_receipt_to_applied_seconds_count'),
    );
  });

  it('counts retries and database errors, and the admin reports the dead-lettered postback in the queue depths', async () => {
    // Postgres refuses to log this one transaction (not a data error, so it is retried until attempts run out).
    const broken = await givenConversion(t.prisma, { offerId, transactionId: 'tx-metrics-broken' });
    const fix = await givenPostbackLogRefusing(t.prisma, broken.transactionId);
    try {
      const answer = await sendPostback(baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: broken.transactionId });
      const postbackId = String(answer.body.postback_id);
      await eventually(async () => (await onlyShard(admin).deadLetters.getJob(postbackId)) ?? undefined, 20_000, 'the dead-letter move');
    } finally {
      await fix();
    }

    const samples = await eventually(async () => {
      const s = await scrape(workerMetrics);
      return (valueOf(s, 'postback_worker_dead_lettered_total') ?? 0) >= 1 ? s : undefined;
    }, 10_000, 'the worker to count the dead-letter move');
    // The postback fails in its batch job, is split off into a job of its own, fails attempt 1 (retried) and 2.
    expect(valueOf(samples, 'postback_worker_retries_total', { kind: 'split_off' })).toBe(1);
    expect(valueOf(samples, 'postback_worker_retries_total', { kind: 'attempt' })).toBe(1);
    expect(valueOf(samples, 'postback_worker_database_errors_total', { kind: 'other' })).toBeGreaterThanOrEqual(2);

    const depth = await eventually(async () => {
      const s = await scrape(adminMetrics, ADMIN_TOKEN);
      const dead = valueOf(s, 'postback_queue_jobs', { queue: 'dead_letter', state: 'waiting' });
      return dead === 1 ? s : undefined;
    }, 10_000, 'the admin to report one dead-lettered job');
    expect(await onlyShard(admin).deadLetters.getWaitingCount()).toBe(1);
    expect(valueOf(depth, 'postback_queue_stats_up')).toBe(1);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(valueOf(depth, 'postback_queue_jobs', { queue: 'main', state }), state).toBeGreaterThanOrEqual(0);
    }
    // The admin counts its own answers, this file's scrapes among them (each counted once it is sent).
    const again = await scrape(adminMetrics, ADMIN_TOKEN);
    expect(valueOf(again, 'postback_admin_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('reports the depths of the delivery queue and its dead-letter queue in a family of their own', async () => {
    const { queue, deadLetters } = admin.deliveryQueues;
    // Due in an hour, so no delivery worker takes them (the relay's job name and payload, for notifications nobody
    // wrote): two delayed on the delivery queue; and two dead letters, which nothing consumes.
    for (const n of [1, 2]) {
      await queue.add('deliver', { v: 1, notificationId: `00000000-0000-4000-8000-00000000000${n}` }, { jobId: `metrics-delivery-${n}`, delay: 3_600_000 });
      await deadLetters.add('dead', { jobId: `metrics-delivery-${n}` }, { jobId: `metrics-delivery-dead-${n}` });
    }
    try {
      const s = await eventually(async () => {
        const samples = await scrape(adminMetrics, ADMIN_TOKEN);
        return valueOf(samples, 'postback_delivery_queue_jobs', { queue: 'dead_letter', state: 'waiting' }) === 2 ? samples : undefined;
      }, 10_000, 'the admin to report two dead-lettered deliveries');
      expect(valueOf(s, 'postback_delivery_queue_jobs', { queue: 'main', state: 'delayed' })).toBe(2);
      for (const state of ['waiting', 'active', 'failed']) {
        expect(valueOf(s, 'postback_delivery_queue_jobs', { queue: 'main', state }), state).toBe(0);
      }
      // Not counted among the postback shards' jobs.
      expect(valueOf(s, 'postback_queue_jobs', { queue: 'dead_letter', state: 'waiting' })).toBe(await onlyShard(admin).deadLetters.getWaitingCount());
    } finally {
      await Promise.all([queue.obliterate({ force: true }), deadLetters.obliterate({ force: true })]);
    }
  });

  it('asks for the admin token on the admin port\'s /metrics', async () => {
    expect((await fetch(adminMetrics)).status).toBe(401);
    expect((await fetch(adminMetrics, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
  });

  it('reports the age of the oldest job waiting while no worker consumes', async () => {
    await worker.stop();
    const twoMinutesAgo = Date.now() - 120_000;
    // A job as old as one a stalled pipeline would leave (BullMQ takes its creation time from the options), first
    // in line, then a postback behind it.
    await onlyShard(admin).queue.add('rejection', { v: 99 } as never, { jobId: 'metrics-old', timestamp: twoMinutesAgo });
    const conversion = await givenConversion(t.prisma, { offerId });
    const answer = await sendPostback(baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: conversion.transactionId });
    expect(answer.status).toBe(202);
    const s = await eventually(async () => {
      const samples = await scrape(adminMetrics, ADMIN_TOKEN);
      return (valueOf(samples, 'postback_queue_jobs', { queue: 'main', state: 'waiting' }) ?? 0) >= 2 ? samples : undefined;
    }, 10_000, 'the admin to see both waiting jobs');
    const age = valueOf(s, 'postback_queue_oldest_waiting_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(119);
    expect(age).toBeLessThan(3600);
  });
});

// The delivery worker against affiliates' servers on loopback: rendering, retries, Retry-After, 410, 4xx, signing,
// the delivery log, replay from the dead-letter queue, alert notifications. Notifications are written straight into
// the outbox and handed to the delivery queue here, as the relay would.
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replayDeadLetter } from '@postback/core';
import { createWorkerMetrics, type WorkerMetrics } from '../apps/worker/src/metrics.js';
import { startDeliveryWorker, type DeliveryWorker } from '../apps/worker/src/notifications/deliveryWorker.js';
import { givenOffer } from './helpers/fixtures.js';
import {
  attemptsOf,
  givenAffiliatePostback,
  givenNotification,
  givenNotificationTo,
  givenRejectedConversion,
  handToDelivery,
  notificationOf,
  silentLogger,
  startAffiliateServer,
  type AffiliateServer,
} from './helpers/affiliateDeliveryFixtures.js';
import { parseExposition, valueOf } from './helpers/scrapeMetrics.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let delivery: DeliveryWorker;
let metrics: WorkerMetrics;
const servers: AffiliateServer[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_delivery', {
    OUTBOUND_ALLOW_PRIVATE: 'true',
    DELIVERY_ATTEMPTS: '3',
    DELIVERY_BACKOFF_MS: '50',
    DELIVERY_BACKOFF_MAX_MS: '200',
    DELIVERY_TIMEOUT_MS: '5000',
  });
  metrics = createWorkerMetrics();
  delivery = startDeliveryWorker({ cfg: t.cfg, prisma: t.prisma, logger: silentLogger(), metrics });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await delivery?.close();
  await t?.teardown();
});

async function affiliate(...args: Parameters<typeof startAffiliateServer>): Promise<AffiliateServer> {
  const server = await startAffiliateServer(...args);
  servers.push(server);
  return server;
}

async function finalState(id: string, timeoutMs = 20_000) {
  return eventually(
    async () => {
      const n = await notificationOf(t.prisma, id);
      return ['delivered', 'failed', 'skipped'].includes(n.state) ? n : undefined;
    },
    timeoutMs,
    `notification ${id} recorded as final`,
  );
}

async function deadLettered(id: string) {
  return eventually(async () => (await delivery.pair.deadLetters.getJob(id)) ?? undefined, 20_000, `${id} dead-lettered`);
}

describe('delivering affiliate notifications', () => {
  it('fills in every macro, URL-encoded in the URL and JSON-escaped in a JSON body, with the webhook-id header', async () => {
    const server = await affiliate();
    const offer = await givenOffer(t.prisma);
    const macros = 't={transaction_id}&s={status}&ps={previous_status}&r={rejected_reason}&pr={previous_reason}&p={payout}&o={offer_id}&pub={publisher_id}&sub={sub_id}&at={changed_at}';
    const postback = await givenAffiliatePostback(t.prisma, {
      url: `${server.baseUrl}/pb?${macros}`,
      method: 'POST',
      body: '{"t":"{transaction_id}","s":"{status}","ps":"{previous_status}","r":"{rejected_reason}","pr":"{previous_reason}","p":"{payout}","o":"{offer_id}","pub":"{publisher_id}","sub":"{sub_id}","at":"{changed_at}"}',
    });
    const conversion = await givenRejectedConversion(t.prisma, {
      publisherId: postback.publisherId,
      offerId: offer.id,
      transactionId: 'tx 1&2/"q"',
      rejectedReason: 'said "no" & left\\',
      payout: '12.5',
      subId: 'a/b?c=d',
    });
    const id = await givenNotification(t.prisma, {
      postbackId: postback.id,
      conversionId: conversion.id,
      transactionId: conversion.transactionId,
      previousStatus: 'approved',
      previousReason: 'dup "x"',
    });
    await handToDelivery(t.cfg, delivery.pair, id);

    expect(await finalState(id)).toMatchObject({ state: 'delivered', attempts: 1, last_error: null });
    const expected = {
      t: 'tx 1&2/"q"',
      s: 'rejected',
      ps: 'approved',
      r: 'said "no" & left\\',
      pr: 'dup "x"',
      p: '12.5000',
      o: String(offer.id),
      pub: String(postback.publisherId),
      sub: 'a/b?c=d',
      at: conversion.updatedAt.toISOString(),
    };
    expect(server.received).toHaveLength(1);
    const [received] = server.received;
    expect(Object.fromEntries(new URL(received!.url, server.baseUrl).searchParams)).toEqual(expected);
    expect(JSON.parse(received!.body)).toEqual(expected);
    expect(received!.method).toBe('POST');
    expect(received!.headers).toMatchObject({ 'webhook-id': id, 'user-agent': 'PostbackPipeline/1', 'content-type': 'application/json' });
    expect(received!.headers).not.toHaveProperty('webhook-signature');

    const [attempt] = await attemptsOf(t.prisma, id);
    expect(attempt).toMatchObject({ attempt: 1, result: 'delivered', status_code: 200, response_head: 'ok', error: null, affiliate_postback_id: postback.id, transaction_id: conversion.transactionId });
    expect(attempt!.latency_ms).toBeGreaterThanOrEqual(0);
    const samples = parseExposition(await metrics.registry.metrics());
    expect(valueOf(samples, 'postback_deliveries_total', { result: 'delivered', destination: server.host })).toBe(1);
    expect(valueOf(samples, 'postback_delivery_duration_seconds_count', { result: 'delivered' })).toBeGreaterThanOrEqual(1);
  });

  it('retries a 500 and logs both attempts', async () => {
    const server = await affiliate((_req, res, i) => {
      res.statusCode = i === 0 ? 500 : 200;
      res.end(i === 0 ? 'down for a moment' : 'thanks');
    });
    const { notificationId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb?t={transaction_id}` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(server.received).toHaveLength(2);
    expect(server.received[1]!.url).toBe(server.received[0]!.url);
    expect(server.received[1]!.headers['webhook-id']).toBe(notificationId);
    expect(await attemptsOf(t.prisma, notificationId)).toMatchObject([
      { attempt: 1, result: 'retrying', status_code: 500, response_head: 'down for a moment', error: 'HTTP 500' },
      { attempt: 2, result: 'delivered', status_code: 200, response_head: 'thanks', error: null },
    ]);
  });

  it('renders and sends a notification left sending without a request (a crash between its claim and the store)', async () => {
    const server = await affiliate();
    const { notificationId, transactionId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb?t={transaction_id}&s={status}` });
    await t.prisma.$executeRaw`UPDATE notifications SET state = 'sending' WHERE id = ${notificationId}::uuid`;
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    const final = await finalState(notificationId);
    expect(final).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(final.request?.url).toBe(`${server.baseUrl}/pb?t=${transactionId}&s=rejected`);
    expect(server.received.map((r) => r.url)).toEqual([`/pb?t=${transactionId}&s=rejected`]);
  });

  it('waits as long as a 429 Retry-After in seconds says before the next attempt', async () => {
    const server = await affiliate((_req, res, i) => {
      if (i === 0) res.writeHead(429, { 'retry-after': '2' });
      res.end();
    });
    const { notificationId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'delivered', attempts: 2 });
    const [first, second] = await attemptsOf(t.prisma, notificationId);
    expect(first).toMatchObject({ result: 'retrying', status_code: 429 });
    // Attempt 1 was recorded after its answer, before the wait began; the backoff alone would be under 200 ms.
    expect(second!.attempted_at.getTime() - first!.attempted_at.getTime()).toBeGreaterThanOrEqual(2000);
    expect(server.received[1]!.at - server.received[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('waits until the HTTP date of a 503 Retry-After', async () => {
    let retryAt = 0;
    const server = await affiliate((_req, res, i) => {
      if (i === 0) {
        // An HTTP date has whole seconds: 2 s from now, rounded up.
        retryAt = Math.ceil((Date.now() + 2000) / 1000) * 1000;
        res.writeHead(503, { 'retry-after': new Date(retryAt).toUTCString() });
      }
      res.end();
    });
    const { notificationId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(server.received[1]!.at).toBeGreaterThanOrEqual(retryAt);
  });

  it('pauses the affiliate postback on a 410, says why, dead-letters the notification, and skips the next one', async () => {
    const server = await affiliate((_req, res) => {
      res.statusCode = 410;
      res.end('gone');
    });
    const { notificationId, postbackId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'failed', attempts: 1, last_error: 'HTTP 410 Gone' });
    const [postback] = await t.prisma.$queryRaw<Array<{ status: string; paused_reason: string; paused_at: Date }>>`
      SELECT status::text, paused_reason, paused_at FROM affiliate_postbacks WHERE id = ${postbackId}`;
    expect(postback!.status).toBe('paused');
    expect(postback!.paused_reason).toMatch(new RegExp(`^410 Gone from ${server.host.replaceAll('.', '\\.')} at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`));
    expect(postback!.paused_at).toBeInstanceOf(Date);
    const dead = await deadLettered(notificationId);
    expect(dead.data.attemptsMade).toBe(1);
    expect(dead.data.failedReason).toContain(`affiliate postback ${postbackId} paused`);
    expect(await attemptsOf(t.prisma, notificationId)).toMatchObject([{ result: 'failed', status_code: 410, response_head: 'gone' }]);

    const conversion = await givenRejectedConversion(t.prisma, { publisherId: (await postbackPublisher(postbackId)) });
    const next = await givenNotification(t.prisma, { postbackId, conversionId: conversion.id, transactionId: conversion.transactionId });
    await handToDelivery(t.cfg, delivery.pair, next);
    expect(await finalState(next)).toMatchObject({ state: 'skipped', attempts: 0, last_error: `affiliate postback ${postbackId} is paused: ${postback!.paused_reason}` });
    expect(server.received).toHaveLength(1);
    expect(await attemptsOf(t.prisma, next)).toEqual([]);
  });

  it('fails a 404 at once, without retrying', async () => {
    const server = await affiliate((_req, res) => {
      res.statusCode = 404;
      res.end('no such postback');
    });
    const { notificationId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'failed', attempts: 1, last_error: 'HTTP 404' });
    expect((await deadLettered(notificationId)).data.attemptsMade).toBe(1);
    expect(server.received).toHaveLength(1);
    expect(await attemptsOf(t.prisma, notificationId)).toMatchObject([{ attempt: 1, result: 'failed', status_code: 404 }]);
  });

  it('skips the notification of a deleted postback without sending it', async () => {
    const server = await affiliate();
    const { notificationId, postbackId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb` });
    await t.prisma.$executeRaw`UPDATE affiliate_postbacks SET deleted_at = now() WHERE id = ${postbackId}`;
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'skipped', last_error: `affiliate postback ${postbackId} is deleted` });
    expect(server.received).toEqual([]);
  });

  it('signs a POST so that Standard Webhooks verifies it, with a fresh timestamp and signature on the retry', async () => {
    const secret = `whsec_${Buffer.from('twenty-four random bytes').toString('base64')}`;
    const server = await affiliate((_req, res, i) => {
      if (i === 0) res.writeHead(429, { 'retry-after': '1' });
      res.end();
    });
    const { notificationId } = await givenNotificationTo(t.prisma, {
      url: `${server.baseUrl}/pb`,
      method: 'POST',
      body: '{"transaction_id":"{transaction_id}","status":"{status}"}',
      secret,
    });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'delivered', attempts: 2 });
    const [first, second] = server.received;
    const webhook = new Webhook(secret);
    for (const request of [first!, second!]) {
      expect(request.headers['webhook-id']).toBe(notificationId);
      expect(webhook.verify(request.body, request.headers as Record<string, string>)).toMatchObject({ status: 'rejected' });
    }
    expect(second!.body).toBe(first!.body);
    expect(Number(second!.headers['webhook-timestamp'])).toBeGreaterThan(Number(first!.headers['webhook-timestamp']));
    expect(second!.headers['webhook-signature']).not.toBe(first!.headers['webhook-signature']);
    expect(() => new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(first!.body, first!.headers as Record<string, string>)).toThrow();
  });

  it('masks secrets in the logged URL and keeps the first kilobyte of the answer', async () => {
    const answer = Array.from({ length: 300 }, (_, i) => `line ${i};`).join('');
    const server = await affiliate((_req, res) => void res.end(answer));
    const { notificationId, transactionId } = await givenNotificationTo(t.prisma, {
      url: `${server.baseUrl}/pb?api_key=k3y&token=t0k3n&t={transaction_id}&Signature=s1g`,
    });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    expect(await finalState(notificationId)).toMatchObject({ state: 'delivered' });
    expect(server.received[0]!.url).toContain('api_key=k3y&token=t0k3n');
    const [attempt] = await attemptsOf(t.prisma, notificationId);
    expect(attempt!.url).toBe(`${server.baseUrl}/pb?api_key=****&token=****&t=${encodeURIComponent(transactionId)}&Signature=****`);
    expect(answer.length).toBeGreaterThan(1024);
    expect(attempt!.response_head).toBe(answer.slice(0, 1024));
  });

  it('delivers a dead-lettered notification once it is replayed', async () => {
    let fixed = false;
    const server = await affiliate((_req, res) => {
      res.statusCode = fixed ? 200 : 404;
      res.end();
    });
    const { notificationId } = await givenNotificationTo(t.prisma, { url: `${server.baseUrl}/pb?t={transaction_id}` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);
    expect(await finalState(notificationId)).toMatchObject({ state: 'failed' });
    await deadLettered(notificationId);
    const { request } = await notificationOf(t.prisma, notificationId);

    fixed = true;
    expect(await replayDeadLetter(delivery.pair, notificationId)).toBe('replayed');
    expect(await eventually(async () => {
      const n = await notificationOf(t.prisma, notificationId);
      return n.state === 'delivered' ? n : undefined;
    })).toMatchObject({ attempts: 2, last_error: null, request });
    expect(server.received.map((r) => r.url)).toEqual([server.received[0]!.url, server.received[0]!.url]);
    expect(server.received[1]!.headers['webhook-id']).toBe(notificationId);
    expect(await attemptsOf(t.prisma, notificationId)).toMatchObject([
      { attempt: 1, result: 'failed', status_code: 404 },
      { attempt: 2, result: 'delivered', status_code: 200 },
    ]);
    expect(await delivery.pair.deadLetters.getJob(notificationId)).toBeUndefined();
  });

  it("sends an alert notification's pre-rendered request as it is", async () => {
    const server = await affiliate();
    const offer = await givenOffer(t.prisma);
    const [rule] = await t.prisma.$queryRaw<Array<{ id: number }>>`
      INSERT INTO alert_rules (offer_id, window_minutes, min_conversions, max_rejection_rate_percent, webhook_url, state)
      VALUES (${offer.id}, 60, 10, 30, ${`${server.baseUrl}/hooks/slack`}, 'firing') RETURNING id`;
    const body = JSON.stringify({ text: `Rejection rate of offer ${offer.id} is 42.0%`, rule_id: rule!.id, state: 'firing' });
    const request = { method: 'POST', url: `${server.baseUrl}/hooks/slack`, headers: { 'content-type': 'application/json' }, body };
    const [row] = await t.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO notifications (id, alert_rule_id, event, first_changed_at, due_at, request)
      VALUES (gen_random_uuid(), ${rule!.id}, 'alert.firing', now(), now(), ${JSON.stringify(request)}::jsonb) RETURNING id::text`;
    await handToDelivery(t.cfg, delivery.pair, row!.id);

    expect(await finalState(row!.id)).toMatchObject({ state: 'delivered', attempts: 1, request });
    expect(server.received).toMatchObject([{ method: 'POST', url: '/hooks/slack', body, headers: { 'content-type': 'application/json', 'webhook-id': row!.id } }]);
    expect(await attemptsOf(t.prisma, row!.id)).toMatchObject([{ result: 'delivered', alert_rule_id: rule!.id, affiliate_postback_id: null }]);
  });
});

async function postbackPublisher(postbackId: number): Promise<number> {
  const [row] = await t.prisma.$queryRaw<Array<{ publisher_id: number }>>`SELECT publisher_id FROM affiliate_postbacks WHERE id = ${postbackId}`;
  return row!.publisher_id;
}

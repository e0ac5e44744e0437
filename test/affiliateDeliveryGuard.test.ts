// The SSRF guard: with OUTBOUND_ALLOW_PRIVATE off, a destination that is or resolves to a loopback address is
// refused before any connection, an IP literal too, and so is a redirect to one from an allowed host. Only loopback
// servers are used: a private range is never connected to. For the redirect, the allowed host is a name that a
// custom resolver maps to a public address, and a connector of the test's own dials the loopback server instead.
import { Agent, buildConnector } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerMetrics } from '../apps/worker/src/metrics.js';
import { startDeliveryWorker, type DeliveryWorker } from '../apps/worker/src/notifications/deliveryWorker.js';
import { DestinationRefusedError } from '../apps/worker/src/notifications/errors/index.js';
import { guardedConnector } from '../apps/worker/src/notifications/guardedConnector.js';
import type { Resolver } from '../apps/worker/src/notifications/publicAddressGuard.js';
import { sendRequest } from '../apps/worker/src/notifications/sendRequest.js';
import {
  attemptsOf,
  givenNotificationTo,
  handToDelivery,
  notificationOf,
  silentLogger,
  startAffiliateServer,
  type AffiliateServer,
} from './helpers/affiliateDeliveryFixtures.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let delivery: DeliveryWorker;
const servers: AffiliateServer[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_delivery_guard', { OUTBOUND_ALLOW_PRIVATE: 'false', DELIVERY_ATTEMPTS: '3', DELIVERY_BACKOFF_MS: '50' });
  delivery = startDeliveryWorker({ cfg: t.cfg, prisma: t.prisma, logger: silentLogger(), metrics: createWorkerMetrics() });
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

async function failed(id: string) {
  return eventually(async () => {
    const n = await notificationOf(t.prisma, id);
    return n.state === 'failed' ? n : undefined;
  }, 20_000, `notification ${id} failed`);
}

describe('the SSRF guard of the delivery worker', () => {
  it('refuses a host name that resolves to a loopback address, naming the address, at once and without connecting', async () => {
    const server = await affiliate();
    const port = new URL(server.baseUrl).port;
    const { notificationId } = await givenNotificationTo(t.prisma, { url: `http://localhost:${port}/pb` });
    await handToDelivery(t.cfg, delivery.pair, notificationId);

    const n = await failed(notificationId);
    expect(n.attempts).toBe(1);
    expect(n.last_error).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), not a public address$/);
    expect(await attemptsOf(t.prisma, notificationId)).toMatchObject([{ attempt: 1, result: 'failed', status_code: null, error: n.last_error }]);
    expect((await eventually(async () => (await delivery.pair.deadLetters.getJob(notificationId)) ?? undefined)).data.attemptsMade).toBe(1);
    expect(server.received).toEqual([]);
  });

  it('refuses an IP literal of loopback, IPv4 and IPv6', async () => {
    const server = await affiliate();
    const port = new URL(server.baseUrl).port;
    const v4 = await givenNotificationTo(t.prisma, { url: `http://127.0.0.1:${port}/pb` });
    const v6 = await givenNotificationTo(t.prisma, { url: `http://[::1]:${port}/pb` });
    await handToDelivery(t.cfg, delivery.pair, v4.notificationId);
    await handToDelivery(t.cfg, delivery.pair, v6.notificationId);

    expect(await failed(v4.notificationId)).toMatchObject({ attempts: 1, last_error: 'refused: 127.0.0.1 is not a public address' });
    expect(await failed(v6.notificationId)).toMatchObject({ attempts: 1, last_error: 'refused: ::1 is not a public address' });
    expect(server.received).toEqual([]);
  });
});

describe('redirects through the guard', () => {
  const names: Record<string, string[]> = {
    'affiliate.example': ['93.184.215.14'],
    'partner.example': ['93.184.215.15'],
    'internal.example': ['127.0.0.1'],
  };
  const resolve: Resolver = async (hostname) => names[hostname] ?? [];

  // Every checked connection lands on the loopback server, whatever public address the guard let through.
  function agentTo(server: AffiliateServer, dialed: string[]): Agent {
    const port = Number(new URL(server.baseUrl).port);
    const base = buildConnector({ timeout: 2000 });
    const loopback: buildConnector.connector = (target, callback) => {
      dialed.push(target.hostname);
      base({ ...target, hostname: '127.0.0.1', port: String(port) }, callback);
    };
    return new Agent({ connect: guardedConnector({ policy: { allowPrivate: false, resolve }, connectTimeoutMs: 2000, connect: loopback }) });
  }

  it('refuses a redirect from an allowed host to a name that resolves to loopback, and to a loopback literal', async () => {
    const server = await affiliate((req, res) => {
      const target = req.url === '/literal' ? 'http://127.0.0.1:9/next' : 'http://internal.example/next';
      res.writeHead(302, { location: target });
      res.end();
    });
    const dialed: string[] = [];
    const dispatcher = agentTo(server, dialed);
    try {
      const request = { method: 'GET' as const, url: 'http://affiliate.example/pb', headers: {}, body: null };
      const refusal = sendRequest(request, {}, { dispatcher, timeoutMs: 5000 });
      await expect(refusal).rejects.toBeInstanceOf(DestinationRefusedError);
      await expect(refusal).rejects.toThrow('refused: internal.example resolves to 127.0.0.1, not a public address');

      const literal = sendRequest({ ...request, url: 'http://affiliate.example/literal' }, {}, { dispatcher, timeoutMs: 5000 });
      await expect(literal).rejects.toThrow('refused: 127.0.0.1 is not a public address');
    } finally {
      await dispatcher.close();
    }
    // Only the allowed host was ever connected to, once per request; each redirect was refused before connecting.
    expect(dialed).toEqual(['93.184.215.14', '93.184.215.14']);
    expect(server.received.map((r) => r.url)).toEqual(['/pb', '/literal']);
  });

  it('follows a redirect to another allowed host: 307 keeps the method and body, 303 turns into a GET', async () => {
    const server = await affiliate((req, res) => {
      if (req.url === '/pb') res.writeHead(307, { location: 'http://partner.example/moved' });
      else if (req.url === '/moved') res.writeHead(303, { location: '/done' });
      res.end(req.url === '/done' ? 'arrived' : '');
    });
    const dialed: string[] = [];
    const dispatcher = agentTo(server, dialed);
    try {
      const answer = await sendRequest(
        { method: 'POST', url: 'http://affiliate.example/pb', headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
        { 'content-type': 'application/json', 'webhook-id': 'x' },
        { dispatcher, timeoutMs: 5000 },
      );
      expect(answer).toMatchObject({ statusCode: 200, head: 'arrived', url: 'http://partner.example/done' });
    } finally {
      await dispatcher.close();
    }
    expect(dialed).toContain('93.184.215.15');
    expect(server.received.map((r) => [r.method, r.url, r.body, r.headers.host])).toEqual([
      ['POST', '/pb', '{"a":1}', 'affiliate.example'],
      ['POST', '/moved', '{"a":1}', 'partner.example'],
      ['GET', '/done', '', 'partner.example'],
    ]);
  });
});

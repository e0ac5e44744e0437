import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { RedisProcess, unusedPort } from './helpers/redisProcess.js';
import { readiness, rejectAndAwaitApplied, spawnPipeline, type SpawnedPipeline } from './helpers/spawnedPipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

// REDIS_TLS=true on a redis:// URL: the apps reach a Redis that speaks only TLS on the port they are given, with
// its password, trusting its certificate through Node's NODE_EXTRA_CA_CERTS (what the README tells operators of
// a Redis whose CA is not a public one). A connection without TLS could not talk to that port at all.

const PASSWORD = 'tls-secret-5';
let dir: string;
let server: RedisProcess;
let t: TestEnvironment;
let admin: AdminHandle;
let apps: SpawnedPipeline;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  dir = mkdtempSync(join(tmpdir(), 'pp-redis-tls-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.private);
  const tlsPort = await unusedPort();
  // The plain port stays for the fixture's own commands; the apps are given only the TLS one.
  server = await RedisProcess.start({
    role: 'tls',
    conf: [`tls-port ${tlsPort}`, `tls-cert-file ${cert}`, `tls-key-file ${key}`, 'tls-auth-clients no', `requirepass ${PASSWORD}`],
    password: PASSWORD,
  });
  const redisEnv = { REDIS_URL: `redis://127.0.0.1:${tlsPort}`, REDIS_TLS: 'true', REDIS_PASSWORD: PASSWORD, NODE_EXTRA_CA_CERTS: cert };
  t = await createTestEnvironment('redis_tls', {}, { redisEnv });
  // This test process read its CAs at start, without that one: its own admin connection takes the plain port.
  admin = connectAdminDeps(loadConfig({ ...t.env, REDIS_URL: `redis://127.0.0.1:${server.port}`, REDIS_TLS: 'false' }));
  apps = await spawnPipeline(t.env);
}, 120_000);

afterAll(async () => {
  await apps?.stop();
  await admin?.close();
  await t?.teardown();
  await server?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('takes and applies postbacks, and serves the admin API and the CLI, over TLS with a password', async () => {
  const offerId = (await givenOffer(t.prisma)).id;
  const key = (await givenRejectionUrl(admin, { offerId })).key;
  const transactionIds = await Promise.all(Array.from({ length: 5 }, async () => (await givenConversion(t.prisma, { offerId })).transactionId));
  await rejectAndAwaitApplied(t.prisma, apps.receiverUrl, key, transactionIds);
  expect(await readiness(apps.receiverUrl)).toBe(200);
  expect(await readiness(apps.adminUrl)).toBe(200);
  expect((await apps.cli('dlq', 'list')).code).toBe(0);
});

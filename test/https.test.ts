import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '@postback/core';
import { createReceiver } from '../apps/receiver/src/receiver.js';
import { createReceiverServer } from '../apps/receiver/src/server.js';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, silent, startReceiver, type AdminHandle } from './helpers/pipeline.js';
import { spawnApp } from './helpers/spawnApp.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
let key: string;
let dir: string;
let tlsEnv: Record<string, string>;
let ca: string;
const stops: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  t = await createTestEnvironment('https');
  admin = connectAdminDeps(t.cfg);
  key = (await givenRejectionUrl(admin, { offerId: (await givenOffer(t.prisma)).id })).key;
  // A self-signed certificate for 127.0.0.1, made for this run.
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  dir = mkdtempSync(join(tmpdir(), 'pp-tls-'));
  writeFileSync(join(dir, 'cert.pem'), pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private);
  ca = pems.cert;
  tlsEnv = { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') };
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await admin?.close();
  await t?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = () => `/v1/rejections?${new URLSearchParams({ key, new_rejected_reason: 'bot_traffic', transaction_id: `tx-${Math.random()}` })}`;

function httpsGet(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The receiver as main.ts builds it, over TLS when the config says so, on a free port. */
async function startTlsReceiver(cfg: Config): Promise<number> {
  const receiver = createReceiver(cfg, silent());
  await receiver.ready();
  const server = createReceiverServer(cfg, receiver, silent()) as Server;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await receiver.close();
  });
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

describe('receiver: HTTPS', () => {
  it('serves HTTPS itself when given a certificate and key', async () => {
    const port = await startTlsReceiver(loadConfig({ ...t.env, ...tlsEnv }));
    const answer = await httpsGet(port, query());
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe('accepted');
  });

  it('serves HTTPS from its main entry point (the built receiver process)', async () => {
    const port = await freePort();
    const app = spawnApp('receiver', { ...t.env, ...tlsEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    stops.push(() => app.stop());
    await app.waitForLog((l) => l.msg === 'receiver listening');
    expect((await httpsGet(port, query())).status).toBe(202);
  });

  it('refuses to start with a certificate file that does not exist, or without its key', () => {
    expect(() => loadConfig({ ...t.env, TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: tlsEnv.TLS_KEY_FILE! })).toThrow(/TLS_CERT_FILE: no such file/);
    expect(() => loadConfig({ ...t.env, TLS_CERT_FILE: tlsEnv.TLS_CERT_FILE! })).toThrow(ConfigError);
    expect(() => loadConfig({ ...t.env, TLS_CERT_FILE: tlsEnv.TLS_CERT_FILE! })).toThrow(/TLS_KEY_FILE/);
  });
});

describe('receiver: REQUIRE_HTTPS', () => {
  it('refuses a plain-HTTP postback with 403 and accepts one a trusted proxy says came over HTTPS', async () => {
    const rx = await startReceiver(loadConfig({ ...t.env, REQUIRE_HTTPS: 'true' }));
    stops.push(() => rx.stop());
    const plain = await fetch(`${rx.baseUrl}${query()}`);
    expect(plain.status).toBe(403);
    expect(await plain.json()).toEqual({ error: expect.any(String) });
    // The test's loopback address is the default TRUST_PROXY, so its X-Forwarded-Proto is believed.
    const proxied = await fetch(`${rx.baseUrl}${query()}`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.status).toBe(202);
    // Health probes stay on plain HTTP.
    expect((await fetch(`${rx.baseUrl}/healthz`)).status).toBe(200);
  });

  it('believes only the last X-Forwarded-Proto value, the one the trusted proxy appended', async () => {
    const rx = await startReceiver(loadConfig({ ...t.env, REQUIRE_HTTPS: 'true' }));
    stops.push(() => rx.stop());
    // A client on plain HTTP sent "https" itself; the proxy appended what it saw.
    const spoofed = await fetch(`${rx.baseUrl}${query()}`, { headers: { 'x-forwarded-proto': 'https, http' } });
    expect(spoofed.status).toBe(403);
    const proxied = await fetch(`${rx.baseUrl}${query()}`, { headers: { 'x-forwarded-proto': 'http, https' } });
    expect(proxied.status).toBe(202);
  });

  it('ignores X-Forwarded-Proto from an address that is not a trusted proxy', async () => {
    const rx = await startReceiver(loadConfig({ ...t.env, REQUIRE_HTTPS: 'true', TRUST_PROXY: '192.0.2.1' }));
    stops.push(() => rx.stop());
    const spoofed = await fetch(`${rx.baseUrl}${query()}`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.status).toBe(403);
  });

  it('accepts a postback that arrived over its own TLS', async () => {
    const port = await startTlsReceiver(loadConfig({ ...t.env, ...tlsEnv, REQUIRE_HTTPS: 'true' }));
    expect((await httpsGet(port, query())).status).toBe(202);
  });
});

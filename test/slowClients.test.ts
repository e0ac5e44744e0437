import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { capturedLogger } from './helpers/capturedLogger.js';
import { startReceiver, type RunningReceiver } from './helpers/pipeline.js';
import { sendRaw } from './helpers/rawHttp.js';
import { parseExposition } from './helpers/scrapeMetrics.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

// Clients that declare more than they may send, or send it too slowly: each is answered and its connection closed
// at once or at the configured timeout, never after Node's defaults (minutes).

let t: TestEnvironment;
let rx: RunningReceiver;
let port: number;
const log = capturedLogger();

beforeAll(async () => {
  t = await createTestEnvironment('slow_clients');
  // Short timeouts, so a test waits for them rather than for Node's 5-minute default.
  const cfg = loadConfig({ ...t.env, RECEIVER_HEADERS_TIMEOUT_MS: '600', RECEIVER_REQUEST_TIMEOUT_MS: '1200' });
  rx = await startReceiver(cfg, log.logger);
  port = Number(new URL(rx.baseUrl).port);
});

afterAll(async () => {
  await rx?.stop();
  await t?.teardown();
});

const head = (lines: string[]) => `${['POST /v1/rejections?key=secret-key HTTP/1.1', 'Host: 127.0.0.1', ...lines].join('\r\n')}\r\n\r\n`;

async function answersCounted(route: string, status: number): Promise<number> {
  const samples = parseExposition(await rx.receiver.metrics.registry.metrics());
  const sample = samples.find((s) => s.name === 'postback_receiver_requests_total' && s.labels.route === route && s.labels.status === String(status));
  return sample?.value ?? 0;
}

describe('receiver: oversized and slow requests', () => {
  it('answers 413 to a declared 500 MB body at once, without reading it, and closes the connection', async () => {
    // No body is sent at all: an answer can only come from the Content-Length, and the close from the server.
    const answer = await sendRaw(port, head(['Content-Type: application/json', 'Content-Length: 500000000']), 10_000);
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: 'request body too large' });
  });

  it('cuts off a request whose body trickles in with 408, then logs and counts it as 408', async () => {
    const before = { timedOut: await answersCounted('/v1/rejections', 408), refused: await answersCounted('/v1/rejections', 400) };
    const headers = head(['Content-Type: application/json', 'Content-Length: 1000']);
    const request = headers + JSON.stringify({ transaction_id: 't', new_rejected_reason: 'r', pad: 'p'.repeat(1000) }).slice(0, 1000);
    // One byte every 100 ms: never idle, but the whole request would take 100 s.
    const answer = await sendRaw(port, request, 20_000, { from: headers.length, everyMs: 100 });
    expect(answer.status).toBe(408);
    expect(answer.body).toBe('');
    expect(await answersCounted('/v1/rejections', 408)).toBe(before.timedOut + 1);
    // The aborted body read that follows is not answered or counted a second time.
    expect(await answersCounted('/v1/rejections', 400)).toBe(before.refused);
    const line = log.lines().find((l) => l.msg === 'request timed out' && l.waitingFor === 'body');
    expect(line).toMatchObject({ status: 408, method: 'POST', path: '/v1/rejections' });
    expect(log.raw()).not.toContain('secret-key');
  });

  it('cuts off a client that trickles its headers with 408, and logs and counts it', async () => {
    const before = await answersCounted('other', 408);
    const answer = await sendRaw(port, head(['X-Slow: ' + 's'.repeat(1000)]), 20_000, { from: 20, everyMs: 50 });
    expect(answer.status).toBe(408);
    expect(await answersCounted('other', 408)).toBe(before + 1);
    expect(log.lines().some((l) => l.msg === 'request timed out' && l.waitingFor === 'headers')).toBe(true);
  });
});

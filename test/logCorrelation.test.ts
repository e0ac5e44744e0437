import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, isListening } from './helpers/freePort.js';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, sendPostback, type AdminHandle } from './helpers/pipeline.js';
import { spawnApp, type AppProcess } from './helpers/spawnApp.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;
const running: AppProcess[] = [];

beforeAll(async () => {
  t = await createTestEnvironment('log_correlation');
  admin = connectAdminDeps(t.cfg);
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await admin.close();
  await t.teardown();
});

describe('log correlation', () => {
  it('finds the receiver access line and the worker line that applied a postback by one id', async () => {
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id });
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const port = await freePort();
    const env = { ...t.env, LOG_LEVEL: 'info' };
    const receiver = spawnApp('receiver', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    const worker = spawnApp('worker', env);
    running.push(receiver, worker);
    await eventually(() => isListening(port), 20_000, 'the receiver to listen');

    const answer = await sendPostback(`http://127.0.0.1:${port}`, {
      key,
      new_rejected_reason: 'bot_traffic',
      transaction_id: conversion.transactionId,
    });
    expect(answer.status).toBe(202);
    const postbackId = String(answer.body.postback_id);

    const access = await receiver.waitForLog((l) => l.postback_id === postbackId);
    const jobId = access.job_id;
    expect(jobId).toEqual(expect.any(String));
    const applied = await worker.waitForLog((l) => l.msg === 'job applied' && l.job_id === jobId);
    expect(applied).toMatchObject({ level: 30, postbacks: 1, outcomes: { rejected: 1 } });
    // What `grep <id>` does: the postback id's first 32 hex digits are in both lines.
    const stem = postbackId.slice(0, 32);
    expect(JSON.stringify(access)).toContain(stem);
    expect(JSON.stringify(applied)).toContain(stem);
  });
});

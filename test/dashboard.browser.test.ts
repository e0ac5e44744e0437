import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../apps/admin/src/dashboard/adminSession.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenConversion, givenOffer, givenPostbackLogRefusing, givenRejectionUrl } from './helpers/fixtures.js';
import {
  onlyShard,
  sendPostback,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { eventually, type TestEnvironment } from './helpers/testEnvironment.js';

// Debian's Chromium (.ci/run installs it); Playwright drives it, it downloads no browser of its own.
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-browser-token-0123456789';
const served = useAdminApi('dashboard_browser', TOKEN, { env: { JOB_ATTEMPTS: '1' }, replays: true });
let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;
let api: string;
let profile: string;
let browser: BrowserContext;

beforeAll(async () => {
  ({ t, admin, api } = served);
  rx = await startReceiver(t.cfg);
  worker = startInProcessWorker(t.cfg);
  profile = await mkdtemp(join(tmpdir(), 'pp-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await worker?.close();
  await rx?.stop();
});

/** A postback dead-lettered for real: Postgres refuses to log it until the test drops its trigger. */
async function givenDeadLetteredPostback(): Promise<{ postbackId: string }> {
  const offer = await givenOffer(t.prisma);
  const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
  const conversion = await givenConversion(t.prisma, { offerId: offer.id });
  const fix = await givenPostbackLogRefusing(t.prisma);
  try {
    const sent = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'fraud', transaction_id: conversion.transactionId });
    const postbackId = String(sent.body.postback_id);
    await eventually(async () => (await onlyShard(admin).deadLetters.getJob(postbackId)) ?? undefined, 20_000, 'the dead letter');
    return { postbackId };
  } finally {
    await fix();
  }
}

describe('the dead-letter dashboard in a browser', () => {
  it('logs in with the token, shows a dead-lettered postback, replays it, and the postback is applied', async () => {
    const { postbackId } = await givenDeadLetteredPostback();
    const page = await browser.newPage();

    await page.goto(`${api}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#operator', 'dana');
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('button[type=submit]');
    await page.getByText('Wrong admin token.').waitFor();
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${api}/admin/queues`);

    const [session] = (await browser.cookies(`${api}/admin/queues`)).filter((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(session!.value).not.toContain(TOKEN);

    await page.getByText(t.cfg.DEAD_LETTER_QUEUE_NAME, { exact: true }).first().waitFor();
    await page.goto(`${api}/admin/queues/queue/${t.cfg.DEAD_LETTER_QUEUE_NAME}?status=waiting`);
    await page.getByText(postbackId).first().waitFor();

    await page.goto(`${api}/admin/dlq/console`);
    await page.locator(`[data-testid="replay-${postbackId}"]`).click();
    await page.locator('#status', { hasText: 'completed' }).waitFor();

    const applied = await eventually(
      async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId } })) ?? undefined,
      20_000,
      'the replayed postback to be applied',
    );
    expect(applied.outcome).toBe('rejected');
    expect(await onlyShard(admin).deadLetters.getJob(postbackId)).toBeUndefined();
  });
});

describe('the dashboard pages in a browser', () => {
  it('load everything from the admin server: no request to another origin (web fonts, CDNs)', async () => {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== new URL(api).origin) elsewhere.push(request.url());
    });
    await page.goto(`${api}/admin/login?next=/admin/queues`);
    await page.fill('#operator', 'dana');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${api}/admin/queues`);
    await page.getByText(t.cfg.DEAD_LETTER_QUEUE_NAME, { exact: true }).first().waitFor();
    await page.goto(`${api}/admin/queues/queue/${t.cfg.DEAD_LETTER_QUEUE_NAME}`);
    await page.getByText(t.cfg.DEAD_LETTER_QUEUE_NAME, { exact: true }).first().waitFor();
    await page.goto(`${api}/admin/dlq/console`);
    await page.locator('#status').waitFor({ state: 'attached' });
    await page.waitForLoadState('networkidle');
    expect(elsewhere).toEqual([]);
    await page.close();
  });
});

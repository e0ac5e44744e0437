// The account manager's job in the console, in Chromium against the real admin app, receiver and worker: one
// browser and one app for the whole file, one `it` per step, each step starting where the one before left off.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../apps/admin/src/dashboard/adminSession.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenDeliveryDeadLetter } from './helpers/deadLetterFixtures.js';
import { ensureConsoleBuilt } from './helpers/consoleBuild.js';
import { cellOf, openConsoleBrowser, withCell, type ConsoleBrowser } from './helpers/consoleBrowser.js';
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

const TOKEN = 'console-browser-token-0123456789';
const served = useAdminApi('console_browser', TOKEN, { env: { JOB_ATTEMPTS: '1' }, replays: true });
let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let worker: ReturnType<typeof startInProcessWorker>;
let api: string;
let browser: BrowserContext;
let page: Page;
let opened: ConsoleBrowser | undefined;
/** Requests to another origin and CSP violations, over every step. */
let elsewhere: string[] = [];
let violations: string[] = [];

/** What the steps hand on to each other. */
const story = { advertiser: '', offer: '', offerId: 0, urlId: 0, key: '', transactionId: '', postbackId: '' };

beforeAll(async () => {
  ({ t, admin, api } = served);
  await ensureConsoleBuilt();
  rx = await startReceiver(t.cfg);
  worker = startInProcessWorker(t.cfg);
  opened = await openConsoleBrowser(api);
  ({ browser, page, elsewhere, violations } = opened);
});

afterAll(async () => {
  await opened?.close();
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

describe('the account manager in the console', () => {
  it('logs in with a name and the token, and lands on the page asked for', async () => {
    await page.goto(`${api}/admin/console/advertisers`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#operator', 'dana');
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('button[type=submit]');
    await page.getByText('Wrong admin token.').waitFor();
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${api}/admin/console/advertisers`);
    await page.getByRole('heading', { name: 'Advertisers' }).waitFor();

    const [session] = (await browser.cookies(`${api}/admin/console`)).filter((c) => c.name === SESSION_COOKIE);
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(session!.value).not.toContain(TOKEN);
  });

  it('creates an advertiser and an offer', async () => {
    story.advertiser = `Acme Media ${process.pid}`;
    story.offer = `Summer sale ${process.pid}`;
    await page.getByLabel("New advertiser's name").fill(story.advertiser);
    await page.getByRole('button', { name: 'Create advertiser' }).click();
    await page.waitForURL(/\/admin\/console\/advertisers\/\d+\/rejection$/);
    const advertiserId = /advertisers\/(\d+)\//.exec(page.url())![1]!;
    await page.getByRole('link', { name: 'Tracking Links & Postbacks → Rejection' }).waitFor();
    // Empty until a URL is made, and says what to do.
    await page.getByText('No rejection URLs yet — create one above.').waitFor();

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Offers' }).click();
    await page.getByLabel('Advertiser', { exact: true }).selectOption({ label: `${story.advertiser} (${advertiserId})` });
    await page.getByLabel("New offer's name").fill(story.offer);
    await page.getByRole('button', { name: 'Create offer' }).click();
    await page.waitForURL(/\/admin\/console\/offers\/\d+\/rejection$/);
    story.offerId = Number(/offers\/(\d+)\//.exec(page.url())![1]);
    const offer = await t.prisma.offer.findUniqueOrThrow({ where: { id: story.offerId }, include: { advertiser: true } });
    expect({ offer: offer.name, advertiser: offer.advertiser.name }).toEqual({ offer: story.offer, advertiser: story.advertiser });
  });

  it("creates a rejection URL on the offer's Conversion Tracking → Rejection tab, shown once, and copies it", async () => {
    await page.getByRole('link', { name: 'Conversion Tracking → Rejection' }).waitFor();
    await page.getByRole('button', { name: 'Create rejection URL' }).click();
    const shown = await page.getByLabel('Rejection URL', { exact: true }).inputValue();
    await page.getByText('it will not be shown again').waitFor();
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(shown);
    expect(copied).toMatch(/\/v1\/rejections\?key=[\w-]+&new_rejected_reason=REPLACE_WITH_REJECTION_REASON&transaction_id=REPLACE$/);
    story.key = new URL(copied).searchParams.get('key')!;

    const [endpoint] = await t.prisma.rejectionEndpoint.findMany({ where: { offerId: story.offerId } });
    story.urlId = endpoint!.id;
    const row = page.getByRole('region', { name: 'Rejection URLs' }).getByRole('row').filter({ hasText: 'live' });
    await expect(row.getByRole('cell').first().textContent()).resolves.toBe(String(story.urlId));
    // Shown once: the list never carries the key, and a reload shows the URL no more.
    await page.reload();
    await page.getByRole('region', { name: 'Rejection URLs' }).waitFor();
    expect(await page.content()).not.toContain(story.key);
  });

  it('sends a rejection to that URL and finds it in the rejection log with its outcome, then its conversion', async () => {
    const conversion = await givenConversion(t.prisma, { offerId: story.offerId });
    story.transactionId = conversion.transactionId;
    const sent = await sendPostback(rx.baseUrl, { key: story.key, new_rejected_reason: 'fraud', transaction_id: story.transactionId });
    expect(sent.status).toBe(202);
    story.postbackId = String(sent.body.postback_id);
    await eventually(async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId: story.postbackId } })) ?? undefined, 20_000, 'the postback applied');

    await page.getByRole('link', { name: `Rejection log of URL ${story.urlId}` }).click();
    await page.waitForURL(`${api}/admin/console/log?endpoint_id=${story.urlId}`);
    const row = page.getByRole('region', { name: 'Rejection log' }).getByRole('row').filter({ hasText: story.transactionId });
    await row.waitFor();
    await expect(row.getByText('rejected', { exact: true }).count()).resolves.toBe(1);
    await expect(row.getByText('fraud', { exact: true }).count()).resolves.toBe(1);
    // Latency is received → applied, as the log row has it; it came through a URL, and changed the conversion: no error.
    const logged = await t.prisma.postbackLog.findFirstOrThrow({ where: { postbackId: story.postbackId } });
    const latencyMs = logged.processedAt.getTime() - logged.receivedAt.getTime();
    await expect(cellOf(row, 'Latency')).resolves.toBe(latencyMs < 1000 ? `${latencyMs} ms` : `${(latencyMs / 1000).toFixed(1)} s`);
    await expect(cellOf(row, 'Source')).resolves.toBe('url');
    await expect(cellOf(row, 'Error')).resolves.toBe('—');
    // The filter is in the URL: the form shows it back.
    expect(await page.getByLabel('Rejection URL id').inputValue()).toBe(String(story.urlId));

    await row.getByRole('link', { name: story.transactionId }).click();
    await page.getByRole('heading', { name: `Conversion ${story.transactionId}` }).waitFor();
    const history = page.getByRole('region', { name: 'Status history' }).getByRole('row').filter({ hasText: 'fraud' });
    await expect(history.textContent()).resolves.toMatch(/approved.*rejected/);
  });

  it('shows a postback that changed nothing with its outcome and error, found by its advertiser', async () => {
    const unknown = `no-such-conversion-${process.pid}`;
    const sent = await sendPostback(rx.baseUrl, { key: story.key, new_rejected_reason: 'fraud', transaction_id: unknown });
    expect(sent.status).toBe(202);
    const logged = await eventually(
      async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId: String(sent.body.postback_id) } })) ?? undefined,
      20_000,
      'the postback for an unknown conversion applied',
    );
    await page.goto(`${api}/admin/console/log`);
    await page.getByLabel('Advertiser id').fill(String(logged.advertiserId));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(`${api}/admin/console/log?advertiser_id=${logged.advertiserId}`);
    const log = page.getByRole('region', { name: 'Rejection log' });
    const row = log.getByRole('row').filter({ hasText: unknown });
    await row.waitFor();
    await expect(cellOf(row, 'Outcome')).resolves.toBe('not_found');
    await expect(cellOf(row, 'Error')).resolves.toBe(logged.error);
    expect(logged.error).toBeTruthy();
    // The advertiser's other postback is there too, and nobody else's.
    await log.getByRole('row').filter({ hasText: story.transactionId }).waitFor();
    await expect(log.getByRole('row').count()).resolves.toBe(3);
  });

  it('counts the rejection under its reason on the Reports page, in the table and as a share', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByLabel('Offer id').fill(String(story.offerId));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/admin\/console\/reports\?.*offer_id=\d+/);
    // The page re-renders once the filtered report arrives: read the tables once they hold its rows.
    const rowsOf = (table: string) =>
      eventually(
        async () => {
          const rows = await page.getByRole('region', { name: table }).getByRole('row').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
          return rows.length > 1 ? rows : undefined;
        },
        10_000,
        table,
      );
    // Only rejections count: the not_found postback is in no row.
    await expect(rowsOf('Share of each reason')).resolves.toEqual([
      ['Reason', 'Rejections', 'Share'],
      ['fraud', '1', '100 %'],
    ]);
    const today = new Date().toISOString().slice(0, 10);
    await expect(rowsOf('Rejections per day')).resolves.toEqual([
      ['Day (UTC)', 'fraud', 'Total'],
      [today, '1', '1'],
    ]);
    await page.getByRole('figure', { name: 'Rejections per day by reason' }).waitFor();
  });

  it('shows a request with a wrong key under Refused requests, and a bad one with the right key on its URL, key masked', async () => {
    const wrongKey = `wrong-key-${process.pid}-0123456789abcdef`;
    const wrong = await sendPostback(rx.baseUrl, { key: wrongKey, new_rejected_reason: 'fraud', transaction_id: story.transactionId });
    expect(wrong.status).toBe(401);
    const bad = await sendPostback(rx.baseUrl, { key: story.key, new_rejected_reason: 'fraud' });
    expect(bad.status).toBe(400);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Refused requests' }).click();
    await page.getByRole('heading', { name: 'Refused requests' }).waitFor();
    const total = page.getByRole('region', { name: 'Refused requests' });
    const unknownRow = withCell(total.getByRole('row'), '401').filter({ hasText: 'unknown or revoked key' });
    await unknownRow.waitFor();
    await expect(cellOf(unknownRow, 'Path (key masked)')).resolves.toBe(
      `/v1/rejections?key=****&new_rejected_reason=fraud&transaction_id=${story.transactionId}`,
    );
    await expect(cellOf(unknownRow, 'URL id')).resolves.toBe('—');
    await withCell(withCell(total.getByRole('row'), '400'), '/v1/rejections?key=****&new_rejected_reason=fraud').waitFor();
    expect(await page.content()).not.toContain(wrongKey);
    expect(await page.content()).not.toContain(story.key);

    await page.goto(`${api}/admin/console/offers/${story.offerId}/rejection`);
    await page.getByRole('button', { name: `Refused requests of URL ${story.urlId}` }).click();
    await page.getByRole('heading', { name: `Refused requests of URL ${story.urlId}` }).waitFor();
    const ofUrl = page.getByRole('region', { name: 'Refused requests' }).getByRole('row');
    const badRow = withCell(ofUrl, '400');
    await badRow.waitFor();
    await expect(cellOf(badRow, 'URL id')).resolves.toBe(String(story.urlId));
    await expect(cellOf(badRow, 'Path (key masked)')).resolves.toBe('/v1/rejections?key=****&new_rejected_reason=fraud');
    // The wrong key's refusal is nobody's URL's.
    await expect(ofUrl.count()).resolves.toBe(2);
    expect(await page.content()).not.toContain(story.key);
  });

  it('rotates the URL with a grace period: both URLs work until it ends, then the old one is refused', async () => {
    await page.getByRole('button', { name: `Rotate URL ${story.urlId}` }).click();
    const dialog = page.getByRole('dialog', { name: `Rotate rejection URL ${story.urlId}` });
    await dialog.waitFor();
    // 0.15 minutes: nine seconds, long enough to send to both URLs, short enough to wait out.
    await dialog.getByLabel('Grace period').fill('0.15');
    await dialog.getByLabel('Unit').selectOption('minutes');
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const rotatedUrl = await page.getByLabel('Rejection URL', { exact: true }).inputValue();
    await page.getByText(`replacing URL ${story.urlId}`).waitFor();
    const newKey = new URL(rotatedUrl).searchParams.get('key')!;
    expect(newKey).not.toBe(story.key);
    const rotated = await t.prisma.rejectionEndpoint.findFirstOrThrow({ where: { offerId: story.offerId, id: { not: story.urlId } } });
    const old = await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: story.urlId } });
    const graceEnds = old.expiresAt!.getTime();
    expect(graceEnds - Date.now()).toBeGreaterThan(0);
    await page.getByRole('region', { name: 'Rejection URLs' }).getByRole('row').filter({ hasText: /expires at / }).waitFor();

    for (const key of [story.key, newKey]) {
      const answer = await sendPostback(rx.baseUrl, { key, new_rejected_reason: 'chargeback', transaction_id: story.transactionId });
      expect({ key, status: answer.status }).toEqual({ key, status: 202 });
    }
    expect(Date.now()).toBeLessThan(graceEnds);

    const refused = await eventually(
      async () => {
        const answer = await sendPostback(rx.baseUrl, { key: story.key, new_rejected_reason: 'fraud', transaction_id: story.transactionId });
        return answer.status === 401 ? answer : undefined;
      },
      30_000,
      'the receiver to refuse the old key once its grace ended',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(graceEnds);
    expect(refused.body.error).toMatch(/grace period has ended/);
    expect((await sendPostback(rx.baseUrl, { key: newKey, new_rejected_reason: 'fraud', transaction_id: story.transactionId })).status).toBe(202);

    await page.reload();
    await page.getByRole('region', { name: 'Rejection URLs' }).getByRole('row').filter({ hasText: /expired at / }).waitFor();
    // An advertiser still on the old URL is seen on that URL's refused requests.
    await page.getByRole('button', { name: `Refused requests of URL ${story.urlId}` }).click();
    await page.getByRole('region', { name: 'Refused requests' }).getByRole('row').filter({ hasText: 'grace period has ended' }).first().waitFor();
    story.urlId = rotated.id;
    story.key = newKey;
  });

  it('revokes the URL after confirming, and the receiver answers 401 for it', async () => {
    await page.goto(`${api}/admin/console/offers/${story.offerId}/rejection`);
    await page.getByRole('button', { name: `Revoke URL ${story.urlId}` }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke rejection URL ${story.urlId}?` });
    await dialog.waitFor();
    // A modal: the page behind it cannot be reached, and Cancel leaves the URL live.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await t.prisma.rejectionEndpoint.findUniqueOrThrow({ where: { id: story.urlId } })).revokedAt).toBeNull();

    await page.getByRole('button', { name: `Revoke URL ${story.urlId}` }).click();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(/^revoked at /).waitFor();
    const refused = await eventually(
      async () => {
        const answer = await sendPostback(rx.baseUrl, { key: story.key, new_rejected_reason: 'fraud', transaction_id: story.transactionId });
        return answer.status === 401 ? answer : undefined;
      },
      20_000,
      'the receiver to refuse the revoked key',
    );
    expect(refused.status).toBe(401);
  });
});

describe('dead letters in the console', () => {
  it('shows a dead-lettered postback (in bull-board too), replays it, and the postback is applied', async () => {
    const { postbackId } = await givenDeadLetteredPostback();
    await page.getByRole('link', { name: 'Queues (bull-board)' }).click();
    await page.getByText(t.cfg.DEAD_LETTER_QUEUE_NAME, { exact: true }).first().waitFor();
    await page.goto(`${api}/admin/queues/queue/${t.cfg.DEAD_LETTER_QUEUE_NAME}?status=waiting`);
    await page.getByText(postbackId).first().waitFor();

    // The old page's address leads to the console's dead-letter page.
    await page.goto(`${api}/admin/dlq/console`);
    await page.waitForURL(`${api}/admin/console/dead-letters`);
    await page.getByRole('button', { name: `Replay ${postbackId}` }).click();
    await page.getByRole('status').filter({ hasText: /completed, 1 of 1 replayed/ }).waitFor();

    const applied = await eventually(
      async () => (await t.prisma.postbackLog.findFirst({ where: { postbackId } })) ?? undefined,
      20_000,
      'the replayed postback to be applied',
    );
    expect(applied.outcome).toBe('rejected');
    expect(await onlyShard(admin).deadLetters.getJob(postbackId)).toBeUndefined();
    await page.getByRole('region', { name: 'Replays' }).getByRole('row').filter({ hasText: 'dana' }).first().waitFor();
  });

  it('estimates what a filter matches, and deletes one dead letter after confirming', async () => {
    const { postbackId } = await givenDeadLetteredPostback();
    await page.reload();
    await page.getByLabel('Error kind (23514, P0001, unreadable…)').fill('P0001');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/error_kind=P0001/);
    await page.getByRole('button', { name: 'Estimate' }).click();
    await page.getByRole('status').filter({ hasText: '1 dead-lettered jobs match' }).waitFor();

    await page.getByRole('button', { name: `Delete ${postbackId}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: `Deleted ${postbackId}` }).waitFor();
    expect(await onlyShard(admin).deadLetters.getJob(postbackId)).toBeUndefined();
    await page.getByText('No dead letters: every postback was applied.').waitFor();
  });

  it('switches to the deliveries queue, shows who a dead-lettered notification was for, and replays it', async () => {
    const notificationId = await givenDeliveryDeadLetter(admin.deliveryQueues.deadLetters, {
      target: { affiliatePostbackId: 41, alertRuleId: null, transactionId: 'tx-console-delivery' },
    });
    await page.goto(`${api}/admin/console/dead-letters`);
    // A click, not check(): the radio turns checked once the address names the queue, a render later.
    await page.getByRole('radio', { name: 'Affiliate deliveries' }).click();
    await page.waitForURL(/queue=deliveries/);
    const row = page.getByRole('region', { name: 'Dead-lettered deliveries' }).getByRole('row').filter({ hasText: notificationId });
    await row.waitFor();
    expect(await cellOf(row, 'For')).toBe('Affiliate postback 41');
    expect(await cellOf(row, 'Transaction')).toBe('tx-console-delivery');
    // The postbacks' filter fields give way to the deliveries'.
    expect(await page.getByLabel('Rejection URL id').count()).toBe(0);
    await page.getByLabel('Affiliate postback id').waitFor();

    await page.getByRole('button', { name: `Replay ${notificationId}` }).click();
    await page.getByRole('status').filter({ hasText: /completed, 1 of 1 replayed/ }).waitFor();
    expect(await admin.deliveryQueues.deadLetters.getJob(notificationId)).toBeUndefined();
    expect(await admin.deliveryQueues.queue.getJob(notificationId)).toBeDefined();
  });
});

describe('the console in a browser', () => {
  it("folds its navigation behind Menu at a phone's width, and its tables scroll inside their own box", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${api}/admin/console/log`);
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.waitFor();
      const reports = page.getByRole('link', { name: 'Reports' });
      expect(await reports.isVisible()).toBe(false);
      await menu.click();
      await reports.click();
      await page.waitForURL(`${api}/admin/console/reports`);
      // The menu folds again once the page changed: React renders that after the URL changes, so wait for it.
      await reports.waitFor({ state: 'hidden' });
      await page.goto(`${api}/admin/console/log`);
      const table = page.getByRole('region', { name: 'Rejection log' });
      await table.waitFor();
      const { scrollWidth, clientWidth } = await table.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
      expect(scrollWidth).toBeGreaterThan(clientWidth);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // The Rejection tab too, where the URL is made and shared.
      await page.goto(`${api}/admin/console/offers/${story.offerId}/rejection`);
      await page.getByRole('region', { name: 'Rejection URLs' }).waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    } finally {
      // Whatever happened above, the next steps run at a desktop's width.
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('says the session ended, with a link back to the login that returns to the page, when the API answers 401', async () => {
    await page.goto(`${api}/admin/console/advertisers`);
    await page.getByRole('region', { name: 'Advertisers' }).waitFor();
    await browser.clearCookies();
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Offers' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your session ended' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'log in again' }).first().getAttribute('href')).toBe(`/admin/login?next=${encodeURIComponent('/admin/console/offers')}`);
  });

  it('loaded everything from the admin server, with no CSP violation, over every step', () => {
    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
  });
});

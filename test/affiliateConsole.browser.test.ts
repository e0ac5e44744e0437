// Telling the affiliates, in the console: in Chromium against the real admin app, one browser and one app for the
// whole file, one `it` per step, each step starting where the one before left off (as console.browser.test.ts).
// The delivery log's rows are written into Postgres as the delivery worker records them (notifications +
// delivery_attempts): this file is about what the console shows and does, the delivery tests about sending.
import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { ensureConsoleBuilt } from './helpers/consoleBuild.js';
import { cellOf, openConsoleBrowser, type ConsoleBrowser } from './helpers/consoleBrowser.js';
import { givenOffer } from './helpers/fixtures.js';
import { eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'affiliate-console-browser-token-0123456789';
const served = useAdminApi('affiliate_console_browser', TOKEN);
let t: TestEnvironment;
let api: string;
let page: Page;
let opened: ConsoleBrowser | undefined;
/** Requests to another origin and CSP violations, over every step. */
let elsewhere: string[] = [];
let violations: string[] = [];

/** What the steps hand on to each other. */
const story = {
  publisher: '',
  publisherId: 0,
  offerId: 0,
  offerLabel: '',
  advertiserId: 0,
  advertiserLabel: '',
  postbackId: 0,
  secret: '',
  notificationId: '',
  transactionId: '',
  conversionTx: '',
  offerRuleId: 0,
  advertiserRuleId: 0,
};

beforeAll(async () => {
  ({ t, api } = served);
  await ensureConsoleBuilt();
  opened = await openConsoleBrowser(api);
  ({ page, elsewhere, violations } = opened);
});

afterAll(async () => {
  await opened?.close();
});

/** The data rows of a table (its header row left out), once there are `count` of them. */
async function rowCount(table: Locator, count: number): Promise<number> {
  return eventually(
    async () => {
      const n = (await table.getByRole('row').count()) - 1;
      return n === count ? n : undefined;
    },
    10_000,
    `${count} rows`,
  );
}

/** The value of a conversion's fact (its <dl>): the <dd> after the <dt> named `name`. */
function factOf(name: string): Locator {
  return page.locator('dl.facts').locator(`xpath=dt[normalize-space()="${name}"]/following-sibling::dd[1]`);
}

/** A call to the admin API as the CLI or a script makes it (bearer token), for what the steps need set up. */
async function callApi(method: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${api}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-operator': 'importer' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Delivery attempts of one notification as the delivery worker records them: the notification row (the outbox) and
 * one delivery_attempts row per attempt, in order (the log lists them newest first, by id).
 */
async function givenDeliveries(
  source: number | { alertRuleId: number },
  attempts: Array<{ statusCode: number | null; latencyMs: number | null; result: 'delivered' | 'retrying' | 'failed'; responseHead?: string; error?: string }>,
  transactionId = `tx-${randomUUID().slice(0, 8)}`,
): Promise<{ notificationId: string; transactionId: string }> {
  const notificationId = randomUUID();
  const final = attempts.at(-1)!.result;
  // An affiliate postback's notification is about a transaction; an alert's is about a rule.
  const of =
    typeof source === 'number'
      ? { affiliatePostbackId: source, alertRuleId: null, transactionId, event: 'rejected', previousStatus: 'approved' as const }
      : { affiliatePostbackId: null, alertRuleId: source.alertRuleId, transactionId: null, event: 'alert.firing', previousStatus: null };
  await t.prisma.notification.create({
    data: {
      id: notificationId,
      ...of,
      firstChangedAt: new Date(),
      dueAt: new Date(),
      state: final === 'retrying' ? 'sending' : final,
      attempts: attempts.length,
      request: { method: 'POST', url: 'https://affiliate.example/pb', headers: {}, body: '{}' },
    },
  });
  for (const [index, a] of attempts.entries()) {
    await t.prisma.deliveryAttempt.create({
      data: {
        notificationId,
        affiliatePostbackId: of.affiliatePostbackId,
        alertRuleId: of.alertRuleId,
        transactionId: of.transactionId,
        attempt: index + 1,
        url: typeof source === 'number' ? `https://affiliate.example/pb?tx=${transactionId}&token=****` : 'https://hooks.example/alerts',
        statusCode: a.statusCode,
        latencyMs: a.latencyMs,
        responseHead: a.responseHead ?? null,
        error: a.error ?? null,
        result: a.result,
      },
    });
  }
  return { notificationId, transactionId };
}

describe('telling the affiliates, in the console', () => {
  it('logs in and lands on the Publishers page asked for', async () => {
    await page.goto(`${api}/admin/console/publishers`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#operator', 'dana');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${api}/admin/console/publishers`);
    await page.getByRole('heading', { name: 'Publishers' }).waitFor();
    await page.getByText('No publishers yet — create one above.').waitFor();
  });

  it('creates a publisher, and finds it by a part of its name', async () => {
    story.publisher = `Blue Leads ${process.pid}`;
    await page.getByLabel("New publisher's name").fill(story.publisher);
    await page.getByRole('button', { name: 'Create publisher' }).click();
    await page.waitForURL(/\/admin\/console\/publishers\/\d+$/);
    story.publisherId = Number(/publishers\/(\d+)$/.exec(page.url())![1]);
    await page.getByRole('heading', { name: `${story.publisher} (publisher ${story.publisherId})` }).waitFor();
    await page.getByText('No affiliate postbacks yet — create one above.').waitFor();
    expect((await t.prisma.publisher.findUniqueOrThrow({ where: { id: story.publisherId } })).name).toBe(story.publisher);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Publishers' }).click();
    await page.getByLabel('Name contains').fill('Blue Leads');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`${api}/admin/console/publishers?name=Blue+Leads`);
    const row = page.getByRole('region', { name: 'Publishers' }).getByRole('row').filter({ hasText: story.publisher });
    await expect(cellOf(row, 'Id')).resolves.toBe(String(story.publisherId));
    await page.getByLabel('Name contains').fill('no such publisher');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No publisher\'s name contains “no such publisher”.').waitFor();

    // A publisher the API does not know: its 404, and no form to fill for nothing.
    await page.goto(`${api}/admin/console/publishers/2147483647`);
    await page.getByRole('alert').filter({ hasText: 'publisher 2147483647 not found' }).waitFor();
    await expect(page.getByRole('form', { name: 'New affiliate postback' }).count()).resolves.toBe(0);

    await page.goto(`${api}/admin/console/publishers?name=${encodeURIComponent(story.publisher)}`);
    await page.getByRole('link', { name: story.publisher, exact: true }).click();
    await page.waitForURL(`${api}/admin/console/publishers/${story.publisherId}`);
  });

  it('shows the API refusing an unknown macro next to the form, and creates nothing', async () => {
    const offer = await givenOffer(t.prisma);
    story.offerId = offer.id;
    story.offerLabel = `${offer.name} (${offer.id})`;
    await page.reload();
    await page.getByLabel('URL template').fill('https://affiliate.example/pb?click={clickid}');
    await page.getByRole('button', { name: 'Create affiliate postback' }).click();
    await page
      .getByRole('form', { name: 'New affiliate postback' })
      .getByRole('alert')
      .filter({ hasText: 'unknown macro {clickid} in url' })
      .waitFor();
    await expect(t.prisma.affiliatePostback.count({ where: { publisherId: story.publisherId } })).resolves.toBe(0);
  });

  it('creates a signed POST postback for one offer, and shows its secret once, with Copy', async () => {
    // The hint lists the macros a template may use.
    const hint = (await page.locator('#postback-macros').textContent()) ?? '';
    for (const macro of ['transaction_id', 'status', 'previous_status', 'rejected_reason', 'previous_reason', 'payout', 'offer_id', 'publisher_id', 'sub_id', 'changed_at']) {
      expect(hint).toContain(`{${macro}}`);
    }
    const url = 'https://affiliate.example/pb?tx={transaction_id}&reason={rejected_reason}';
    const body = '{"transaction_id":"{transaction_id}","status":"{status}"}';
    await page.getByLabel('URL template').fill(url);
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Scope').selectOption({ label: story.offerLabel });
    expect(await page.getByLabel('Delay (seconds)').inputValue()).toBe('120');
    await page.getByLabel('Delay (seconds)').fill('30');
    await page.getByRole('checkbox', { name: /^Reason updated/ }).check();
    expect(await page.getByRole('checkbox', { name: /^Rejected/ }).isChecked()).toBe(true);
    await page.getByLabel('Only these reasons').fill('fraud, chargeback');
    await page.getByLabel('Headers').fill('X-Api-Key: k-123');
    await page.getByLabel('Body template (POST)').fill(body);
    await page.getByRole('checkbox', { name: /^Sign deliveries/ }).check();
    await page.getByRole('button', { name: 'Create affiliate postback' }).click();

    const secretBox = page.getByLabel('Signing secret', { exact: true });
    await secretBox.waitFor();
    story.secret = await secretBox.inputValue();
    expect(story.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await page.getByText('it will not be shown again').waitFor();
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(story.secret);

    const [made] = await t.prisma.affiliatePostback.findMany({ where: { publisherId: story.publisherId } });
    story.postbackId = made!.id;
    expect(made).toMatchObject({
      offerId: story.offerId,
      url,
      method: 'POST',
      body,
      events: ['rejected', 'reason_updated'],
      reasons: ['fraud', 'chargeback'],
      delaySeconds: 30,
      secret: story.secret,
      status: 'active',
    });

    // The header as typed (a header name's case does not matter to HTTP).
    expect(Object.entries(made!.headers as Record<string, string>).map(([name, value]) => [name.toLowerCase(), value])).toEqual([['x-api-key', 'k-123']]);

    const row = page.getByRole('region', { name: 'Affiliate postbacks' }).getByRole('row').filter({ hasText: 'affiliate.example' });
    await expect(cellOf(row, 'Id')).resolves.toBe(String(story.postbackId));
    await expect(cellOf(row, 'Scope')).resolves.toBe(`offer ${story.offerId}`);
    await expect(cellOf(row, 'Signed')).resolves.toBe('yes');
    await expect(cellOf(row, 'Events')).resolves.toBe('rejected, reason_updated');
    await expect(cellOf(row, 'Reasons')).resolves.toBe('fraud, chargeback');
    await expect(cellOf(row, 'Delay')).resolves.toBe('30 s');
    await expect(cellOf(row, 'Status')).resolves.toBe('active');
    // Shown once: the list never carries the secret, and a reload shows it no more.
    await page.reload();
    await page.getByRole('region', { name: 'Affiliate postbacks' }).waitFor();
    expect(await page.content()).not.toContain(story.secret);
  });

  it('pauses and resumes the postback, and shows why a 410 paused it', async () => {
    const row = () => page.getByRole('region', { name: 'Affiliate postbacks' }).getByRole('row').filter({ hasText: 'affiliate.example' });
    await page.getByRole('button', { name: `Pause affiliate postback ${story.postbackId}` }).click();
    await page.getByRole('button', { name: `Resume affiliate postback ${story.postbackId}` }).waitFor();
    // The API records who paused it, under the operator name given at login.
    await expect(cellOf(row(), 'Status')).resolves.toMatch(/^paused since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dpaused by dana$/);
    expect(await t.prisma.affiliatePostback.findUniqueOrThrow({ where: { id: story.postbackId } })).toMatchObject({
      status: 'paused',
      pausedReason: 'paused by dana',
    });

    await page.getByRole('button', { name: `Resume affiliate postback ${story.postbackId}` }).click();
    await page.getByRole('button', { name: `Pause affiliate postback ${story.postbackId}` }).waitFor();
    await expect(cellOf(row(), 'Status')).resolves.toBe('active');
    expect((await t.prisma.affiliatePostback.findUniqueOrThrow({ where: { id: story.postbackId } })).status).toBe('active');

    // As the delivery worker pauses it on a 410 Gone: the reason is on the row, and resuming clears it.
    const reason = `410 Gone from affiliate.example at ${new Date().toISOString()}`;
    await t.prisma.affiliatePostback.update({ where: { id: story.postbackId }, data: { status: 'paused', pausedReason: reason, pausedAt: new Date() } });
    await page.reload();
    await row().filter({ hasText: reason }).waitFor();
    await page.getByRole('button', { name: `Resume affiliate postback ${story.postbackId}` }).click();
    await page.getByRole('button', { name: `Pause affiliate postback ${story.postbackId}` }).waitFor();
    expect(await t.prisma.affiliatePostback.findUniqueOrThrow({ where: { id: story.postbackId } })).toMatchObject({
      status: 'active',
      pausedReason: null,
      pausedAt: null,
    });
    await expect(page.getByText(reason).count()).resolves.toBe(0);
  });

  it("opens the postback's deliveries: its attempts only, newest first, with Load more and the response on expand", async () => {
    // 50 older attempts (a page), then one notification retried once, and another postback's attempt.
    for (let i = 0; i < 50; i += 1) await givenDeliveries(story.postbackId, [{ statusCode: 200, latencyMs: 5, result: 'delivered', responseHead: 'ok' }]);
    const retried = await givenDeliveries(story.postbackId, [
      { statusCode: 503, latencyMs: 1200, result: 'retrying', responseHead: 'busy', error: '503 Service Unavailable' },
      { statusCode: 200, latencyMs: 42, result: 'delivered', responseHead: 'thanks, recorded' },
    ]);
    story.notificationId = retried.notificationId;
    story.transactionId = retried.transactionId;
    const otherPublisher = await t.prisma.publisher.create({ data: { name: `Other ${process.pid}` } });
    const other = await t.prisma.affiliatePostback.create({
      data: { publisherId: otherPublisher.id, url: 'https://other.example/pb', events: ['rejected'] },
    });
    const elsewhereTx = await givenDeliveries(other.id, [{ statusCode: 200, latencyMs: 7, result: 'delivered' }]);

    await page.getByRole('link', { name: `Deliveries of affiliate postback ${story.postbackId}` }).click();
    await page.waitForURL(`${api}/admin/console/deliveries?affiliate_postback_id=${story.postbackId}`);
    const log = page.getByRole('region', { name: 'Deliveries' });
    // Newest first: the retried notification's second attempt, then its first.
    const first = log.getByRole('row').nth(1);
    await first.waitFor();
    await expect(cellOf(first, 'Notification')).resolves.toBe(story.notificationId);
    await expect(cellOf(first, 'Attempt')).resolves.toBe('2');
    await expect(cellOf(first, 'Status code')).resolves.toBe('200');
    await expect(cellOf(first, 'Latency')).resolves.toBe('42 ms');
    await expect(cellOf(first, 'Result')).resolves.toBe('delivered');
    await expect(cellOf(first, 'Error')).resolves.toBe('—');
    await expect(cellOf(first, 'URL (secrets masked)')).resolves.toBe(`https://affiliate.example/pb?tx=${story.transactionId}&token=****`);
    const second = log.getByRole('row').nth(2);
    await expect(cellOf(second, 'Attempt')).resolves.toBe('1');
    await expect(cellOf(second, 'Status code')).resolves.toBe('503');
    await expect(cellOf(second, 'Latency')).resolves.toBe('1.2 s');
    await expect(cellOf(second, 'Result')).resolves.toBe('retrying');
    await expect(cellOf(second, 'Error')).resolves.toBe('503 Service Unavailable');
    // The response head stays folded until asked for.
    const head = first.getByText('thanks, recorded');
    expect(await head.isVisible()).toBe(false);
    await first.getByText('Show response').click();
    await head.waitFor();

    // A page of 50, then the rest; never the other postback's attempt.
    await expect(rowCount(log, 50)).resolves.toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect(rowCount(log, 52)).resolves.toBe(52);
    await expect(page.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    await expect(log.getByRole('row').filter({ hasText: elsewhereTx.transactionId }).count()).resolves.toBe(0);
    expect(await page.getByLabel('Affiliate postback id').inputValue()).toBe(String(story.postbackId));
  });

  it('filters the delivery log by result and transaction, kept in the URL', async () => {
    const log = page.getByRole('region', { name: 'Deliveries' });
    await page.getByLabel('Result').selectOption('retrying');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(`${api}/admin/console/deliveries?affiliate_postback_id=${story.postbackId}&status=retrying`);
    await expect(rowCount(log, 1)).resolves.toBe(1);
    await expect(cellOf(log.getByRole('row').nth(1), 'Notification')).resolves.toBe(story.notificationId);

    await page.goto(`${api}/admin/console/deliveries?transaction_id=${encodeURIComponent(story.transactionId)}`);
    await expect(rowCount(log, 2)).resolves.toBe(2);
    expect(await page.getByLabel('Transaction id').inputValue()).toBe(story.transactionId);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForURL(`${api}/admin/console/deliveries`);
    await expect(rowCount(log, 50)).resolves.toBe(50);
  });

  it("opens a conversion from the delivery log: its publisher, its sub id and what the publisher was told", async () => {
    story.conversionTx = `NW-${process.pid}-7`;
    await callApi('POST', '/conversions', {
      conversions: [
        { transaction_id: story.conversionTx, offer_id: story.offerId, status: 'rejected', rejected_reason: 'fraud', publisher_id: story.publisherId, sub_id: 'click-7f3a' },
        { transaction_id: `${story.conversionTx}-plain`, offer_id: story.offerId, status: 'approved' },
      ],
    });
    await givenDeliveries(
      story.postbackId,
      [
        { statusCode: null, latencyMs: 5000, result: 'retrying', error: 'connect timeout after 5000 ms' },
        { statusCode: 204, latencyMs: 80, result: 'delivered' },
      ],
      story.conversionTx,
    );

    await page.goto(`${api}/admin/console/deliveries?transaction_id=${encodeURIComponent(story.conversionTx)}`);
    await page.getByRole('region', { name: 'Deliveries' }).getByRole('link', { name: story.conversionTx }).first().click();
    await page.waitForURL(`${api}/admin/console/conversions/${encodeURIComponent(story.conversionTx)}`);
    await page.getByRole('heading', { name: `Conversion ${story.conversionTx}` }).waitFor();
    await expect(factOf('Publisher').textContent()).resolves.toBe(String(story.publisherId));
    await expect(factOf('Sub id').textContent()).resolves.toBe('click-7f3a');

    const told = page.getByRole('region', { name: 'Deliveries of this conversion' });
    await expect(rowCount(told, 2)).resolves.toBe(2);
    const last = told.getByRole('row').nth(1);
    await expect(cellOf(last, 'Attempt')).resolves.toBe('2');
    await expect(cellOf(last, 'Status code')).resolves.toBe('204');
    await expect(cellOf(last, 'Result')).resolves.toBe('delivered');
    await expect(cellOf(last, 'Source')).resolves.toBe(`postback ${story.postbackId}`);
    const first = told.getByRole('row').nth(2);
    await expect(cellOf(first, 'Status code')).resolves.toBe('—');
    await expect(cellOf(first, 'Result')).resolves.toBe('retrying');
    await expect(cellOf(first, 'Error')).resolves.toBe('connect timeout after 5000 ms');
    // Only this conversion's attempts: the 52 of the other transactions are not here.
    await expect(told.getByRole('row').filter({ hasText: story.transactionId }).count()).resolves.toBe(0);

    await factOf('Publisher').getByRole('link').click();
    await page.getByRole('heading', { name: `${story.publisher} (publisher ${story.publisherId})` }).waitFor();

    // A conversion imported without them: dashes, and nothing told.
    await page.goto(`${api}/admin/console/conversions/${encodeURIComponent(`${story.conversionTx}-plain`)}`);
    await page.getByText('No delivery attempt yet').waitFor();
    await expect(factOf('Publisher').textContent()).resolves.toBe('—');
    await expect(factOf('Sub id').textContent()).resolves.toBe('—');
  });

  it('deletes the postback after confirming; its deliveries stay in the log', async () => {
    await page.goto(`${api}/admin/console/publishers/${story.publisherId}`);
    await page.getByRole('button', { name: `Delete affiliate postback ${story.postbackId}` }).click();
    const dialog = page.getByRole('dialog', { name: `Delete affiliate postback ${story.postbackId}?` });
    await dialog.waitFor();
    // Cancel leaves it be.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await t.prisma.affiliatePostback.findUniqueOrThrow({ where: { id: story.postbackId } })).deletedAt).toBeNull();

    await page.getByRole('button', { name: `Delete affiliate postback ${story.postbackId}` }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No affiliate postbacks yet — create one above.').waitFor();
    expect((await t.prisma.affiliatePostback.findUniqueOrThrow({ where: { id: story.postbackId } })).deletedAt).not.toBeNull();

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Deliveries' }).click();
    await page.getByLabel('Affiliate postback id').fill(String(story.postbackId));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(`${api}/admin/console/deliveries?affiliate_postback_id=${story.postbackId}`);
    await page.getByRole('region', { name: 'Deliveries' }).getByRole('row').filter({ hasText: story.notificationId }).first().waitFor();
  });
});

describe('rejection-rate alert rules, in the console', () => {
  const ruleRow = (id: number) =>
    page
      .getByRole('region', { name: 'Alert rules' })
      .getByRole('row')
      .filter({ has: page.getByRole('button', { name: `Delete alert rule ${id}`, exact: true }) });

  it('refuses what cannot be sent, then shows the API refusing a webhook URL next to its field', async () => {
    const offer = await t.prisma.offer.findUniqueOrThrow({ where: { id: story.offerId }, include: { advertiser: true } });
    story.advertiserId = offer.advertiserId;
    story.advertiserLabel = `${offer.advertiser.name} (${offer.advertiserId})`;
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Alert rules' }).click();
    await page.waitForURL(`${api}/admin/console/alert-rules`);
    await page.getByText('No alert rules yet — create one above.').waitFor();

    const form = page.getByRole('form', { name: 'New alert rule' });
    await page.getByLabel('Webhook URL').fill('ftp://hooks.example/T1');
    await page.getByRole('button', { name: 'Create alert rule' }).click();
    await form.getByRole('alert').filter({ hasText: 'Check the form: choose the offer.' }).waitFor();
    expect(await page.getByLabel('Offer', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Offer', { exact: true }).selectOption({ label: story.offerLabel });
    await page.getByLabel('Window (minutes)').fill('30');
    await page.getByLabel('At least (conversions)').fill('10');
    await page.getByLabel('Rejection rate above (%)').fill('25.5');
    await page.getByRole('button', { name: 'Create alert rule' }).click();
    await form.getByRole('alert').filter({ hasText: 'webhook_url: must be an http:// or https:// URL with a host' }).waitFor();
    expect(await page.getByLabel('Webhook URL').getAttribute('aria-invalid')).toBe('true');
    await expect(t.prisma.alertRule.count()).resolves.toBe(0);
  });

  it('creates a rule for the offer and one for its advertiser, each listed with its threshold and state', async () => {
    await page.getByLabel('Webhook URL').fill('https://hooks.example/T1/offer');
    await page.getByRole('checkbox', { name: 'Also post when the rate falls back below' }).check();
    await page.getByRole('button', { name: 'Create alert rule' }).click();
    await page.getByRole('status').filter({ hasText: /^Alert rule \d+ created\.$/ }).waitFor();
    const [offerRule] = await t.prisma.alertRule.findMany({ where: { offerId: story.offerId } });
    story.offerRuleId = offerRule!.id;
    expect({ ...offerRule!, maxRejectionRatePercent: offerRule!.maxRejectionRatePercent.toString() }).toMatchObject({
      advertiserId: null,
      windowMinutes: 30,
      minConversions: 10,
      maxRejectionRatePercent: '25.5',
      webhookUrl: 'https://hooks.example/T1/offer',
      notifyResolved: true,
      state: 'ok',
    });
    // The form is empty again, with the defaults.
    expect(await page.getByLabel('Window (minutes)').inputValue()).toBe('60');
    expect(await page.getByLabel('Webhook URL').inputValue()).toBe('');

    const row = ruleRow(story.offerRuleId);
    await row.waitFor();
    await expect(cellOf(row, 'Scope')).resolves.toBe(`offer ${story.offerId}`);
    await expect(cellOf(row, 'Fires when the rejection rate is')).resolves.toBe('above 25.5 % of at least 10 conversions in 30 min');
    // The webhook's path is a Slack webhook's secret: its origin and last characters only.
    await expect(cellOf(row, 'Webhook')).resolves.toBe('https://hooks.example/…ffer');
    expect(await page.content()).not.toContain('T1/offer');
    await expect(cellOf(row, 'On recovery')).resolves.toBe('yes');
    await expect(cellOf(row, 'State')).resolves.toBe('ok');
    await expect(cellOf(row, 'Last evaluation')).resolves.toBe('not evaluated yet');

    await page.getByLabel('Scope').selectOption('advertiser');
    await page.getByLabel('Advertiser', { exact: true }).selectOption({ label: story.advertiserLabel });
    await page.getByLabel('Window (minutes)').fill('1440');
    await page.getByLabel('Webhook URL').fill('https://hooks.example/T1/advertiser');
    await page.getByRole('button', { name: 'Create alert rule' }).click();
    const advertiserRule = await eventually(() => t.prisma.alertRule.findFirst({ where: { advertiserId: story.advertiserId } }).then((r) => r ?? undefined), 10_000, 'the advertiser rule');
    story.advertiserRuleId = advertiserRule.id;
    expect(advertiserRule).toMatchObject({ offerId: null, windowMinutes: 1440, minConversions: 20, notifyResolved: false });
    await ruleRow(story.advertiserRuleId).waitFor();
    await expect(cellOf(ruleRow(story.advertiserRuleId), 'Scope')).resolves.toBe(`advertiser ${story.advertiserId}`);
    await expect(cellOf(ruleRow(story.advertiserRuleId), 'Fires when the rejection rate is')).resolves.toBe('above 30 % of at least 20 conversions in 1 d');
    await expect(cellOf(ruleRow(story.advertiserRuleId), 'On recovery')).resolves.toBe('no');

    // Audited under the operator's name.
    await expect(t.prisma.adminAudit.count({ where: { action: 'alert_rule.create', operator: 'dana', outcome: 'ok' } })).resolves.toBe(2);
  });

  it("shows a rule's state and last evaluation as the workers record them, and opens its deliveries", async () => {
    // As the evaluation records a crossing (apps/worker/src/notifications/alertEvaluation.ts).
    const at = new Date('2026-12-03T09:00:00.000Z');
    await t.prisma.alertRule.update({
      where: { id: story.offerRuleId },
      data: { state: 'firing', lastConversions: 50, lastRejected: 21, lastEvaluatedAt: at, stateChangedAt: at },
    });
    await t.prisma.alertRule.update({ where: { id: story.advertiserRuleId }, data: { lastConversions: 0, lastRejected: 0, lastEvaluatedAt: at } });
    const fired = await givenDeliveries({ alertRuleId: story.offerRuleId }, [{ statusCode: 200, latencyMs: 120, result: 'delivered', responseHead: 'ok' }]);
    await page.reload();
    await ruleRow(story.offerRuleId).waitFor();
    await expect(cellOf(ruleRow(story.offerRuleId), 'State')).resolves.toBe('firing since 2026-12-03 09:00:00');
    await expect(cellOf(ruleRow(story.offerRuleId), 'Last evaluation')).resolves.toBe('21 of 50 rejected (42.0 %) at 2026-12-03 09:00:00');
    await expect(cellOf(ruleRow(story.advertiserRuleId), 'Last evaluation')).resolves.toBe('no conversions in the window at 2026-12-03 09:00:00');

    await page.getByRole('link', { name: `Deliveries of alert rule ${story.offerRuleId}` }).click();
    await page.waitForURL(`${api}/admin/console/deliveries?alert_rule_id=${story.offerRuleId}`);
    const log = page.getByRole('region', { name: 'Deliveries' });
    await expect(rowCount(log, 1)).resolves.toBe(1);
    await expect(cellOf(log.getByRole('row').nth(1), 'Notification')).resolves.toBe(fired.notificationId);
    await expect(cellOf(log.getByRole('row').nth(1), 'Source')).resolves.toBe(`alert rule ${story.offerRuleId}`);
    await expect(cellOf(log.getByRole('row').nth(1), 'Transaction id')).resolves.toBe('—');
    // The webhook's path is its secret here too.
    await expect(cellOf(log.getByRole('row').nth(1), 'URL (secrets masked)')).resolves.toBe('https://hooks.example/…');
    expect(await page.getByLabel('Alert rule id').inputValue()).toBe(String(story.offerRuleId));
  });

  it('deletes a rule after confirming; the other stays', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Alert rules' }).click();
    await page.getByRole('button', { name: `Delete alert rule ${story.offerRuleId}`, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Delete alert rule ${story.offerRuleId}?` });
    await dialog.waitFor();
    await dialog.getByText('https://hooks.example/…ffer').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await t.prisma.alertRule.findUniqueOrThrow({ where: { id: story.offerRuleId } })).deletedAt).toBeNull();

    await page.getByRole('button', { name: `Delete alert rule ${story.offerRuleId}`, exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(rowCount(page.getByRole('region', { name: 'Alert rules' }), 1)).resolves.toBe(1);
    await ruleRow(story.advertiserRuleId).waitFor();
    expect((await t.prisma.alertRule.findUniqueOrThrow({ where: { id: story.offerRuleId } })).deletedAt).not.toBeNull();
    await expect(t.prisma.adminAudit.count({ where: { action: 'alert_rule.delete', operator: 'dana', target: String(story.offerRuleId) } })).resolves.toBe(1);
  });
});

describe('the affiliate pages in a browser', () => {
  it("fit a phone's width, their tables scrolling inside their own box", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${api}/admin/console/deliveries`);
    const table = page.getByRole('region', { name: 'Deliveries' });
    await table.waitFor();
    const { scrollWidth, clientWidth } = await table.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.goto(`${api}/admin/console/publishers/${story.publisherId}`);
    await page.getByRole('form', { name: 'New affiliate postback' }).waitFor();
    await page.getByLabel('Method').selectOption('PUT');
    await page.getByLabel('Body template (PUT)').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.goto(`${api}/admin/console/alert-rules`);
    await page.getByRole('region', { name: 'Alert rules' }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.goto(`${api}/admin/console/conversions/${encodeURIComponent(story.conversionTx)}`);
    await page.getByRole('region', { name: 'Deliveries of this conversion' }).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('loaded everything from the admin server, with no CSP violation, over every step', () => {
    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
  });
});

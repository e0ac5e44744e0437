// npm run screenshots: the README's pictures of the console, taken on the real apps (the built dist/, as
// `npm start` runs them) on a throwaway database and Redis prefix, seeded with a believable advertiser, offers,
// rejection URLs and postbacks, publishers whose affiliate postbacks and alert rules the worker really delivers (to
// a small affiliate server on loopback). Saves PNGs at 1280 px (and a few at a phone's 390 px) to docs/screenshots/.
// Run by hand, not by CI.
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const SERVER_URL = process.env.SCREENSHOTS_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.SCREENSHOTS_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = `screenshots-token-${process.pid}-0123456789`;
const DATABASE = `pp_screenshots_${process.pid}`;
const PREFIX = `{pp-screenshots-${process.pid}}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function withServer(work) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl() {
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * The affiliates' and the alert webhook's server: /postback answers 200, /busy 503 to a transaction's first call
 * and 200 after (a retried delivery), /gone 410 (which pauses the postback), /hooks/… 200 "ok" as Slack does.
 */
function startAffiliateServer() {
  const seen = new Set();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    req.resume();
    if (url.pathname === '/gone') return void res.writeHead(410, { 'content-type': 'text/plain' }).end('this endpoint was retired on 2026-11-30');
    if (url.pathname === '/busy' && !seen.has(url.search)) {
      seen.add(url.search);
      return void res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('busy, try again shortly');
    }
    if (url.pathname.startsWith('/hooks/')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"recorded"}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const children = [];
let affiliateServer;
async function main() {
  await withServer(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await c.query(`CREATE DATABASE ${DATABASE}`);
  });
  const [port, adminPort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: databaseUrl(),
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_PORT: String(adminPort),
    ADMIN_TOKEN: TOKEN,
    PUBLIC_BASE_URL: 'https://postbacks.example.com',
    RECEIVER_METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    KEY_REGISTRY_SYNC_MS: '1000',
    JOB_ATTEMPTS: '1',
    // The affiliates are on loopback; retries and alert evaluations quick enough to be seen in a run.
    OUTBOUND_ALLOW_PRIVATE: 'true',
    DELIVERY_BACKOFF_MS: '300',
    ALERT_EVALUATION_INTERVAL_MS: '2000',
  };
  affiliateServer = await startAffiliateServer();
  const affiliate = `http://localhost:${affiliateServer.address().port}`;
  await run(['apps/admin/dist/migrateMain.js'], env);
  for (const app of ['receiver', 'worker', 'admin']) {
    children.push(spawn(process.execPath, [`apps/${app}/dist/main.js`], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  const admin = `http://127.0.0.1:${adminPort}`;
  const receiver = `http://127.0.0.1:${port}`;
  await until('the admin API', async () => (await fetch(`${admin}/readyz`)).ok);
  await until('the receiver', async () => (await fetch(`${receiver}/readyz`)).ok);

  const call = async (method, path, body) => {
    const res = await fetch(`${admin}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-operator': 'screenshots' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const send = (key, reason, transactionId) =>
    fetch(`${receiver}/v1/rejections?${new URLSearchParams({ key, new_rejected_reason: reason, transaction_id: transactionId })}`);

  // Seed: an advertiser with two offers, a global URL and an offer-level one, conversions, and postbacks.
  const advertiser = await call('POST', '/advertisers', { name: 'Northwind Media' });
  await call('POST', '/advertisers', { name: 'Blue Harbor Apps' });
  const sale = await call('POST', '/offers', { advertiser_id: advertiser.id, name: 'Summer Sale CPA (US)' });
  const installs = await call('POST', '/offers', { advertiser_id: advertiser.id, name: 'Puzzle Quest installs' });
  const global = await call('POST', '/rejection-endpoints', { advertiser_id: advertiser.id });
  const offerUrl = await call('POST', '/rejection-endpoints', { offer_id: sale.id });
  // Two publishers who earned the conversions, each with its own click labels (sub ids), and their affiliate postbacks.
  const blue = await call('POST', '/publishers', { name: 'Blue Leads Media' });
  const cashback = await call('POST', '/publishers', { name: 'Cashback Club' });
  await call('POST', '/publishers', { name: 'Coupon Corner' });
  const transactions = [];
  for (let i = 1; i <= 24; i++) {
    const publisher = i % 4 === 0 ? cashback : blue;
    transactions.push({
      transaction_id: `NW-${String(10_400 + i)}`,
      offer_id: i % 3 === 0 ? installs.id : sale.id,
      status: 'approved',
      payout: 4.5,
      publisher_id: publisher.id,
      sub_id: `${publisher === blue ? 'bl' : 'cc'}-${(0x8f3a + i * 7919).toString(16)}`,
    });
  }
  await call('POST', '/conversions', { conversions: transactions });
  await call('POST', '/affiliate-postbacks', {
    publisher_id: blue.id,
    url: `${affiliate}/postback?click={sub_id}&status={status}&reason={rejected_reason}`,
    events: ['rejected', 'reason_updated'],
    delay_seconds: 0,
  });
  await call('POST', '/affiliate-postbacks', {
    publisher_id: blue.id,
    offer_id: sale.id,
    url: `${affiliate}/busy?tx={transaction_id}`,
    method: 'POST',
    headers: { 'X-Api-Key': 'bl-live-4242' },
    body: '{"transaction_id":"{transaction_id}","status":"{status}","reason":"{rejected_reason}","payout":"{payout}"}',
    events: ['rejected'],
    reasons: ['fraud'],
    delay_seconds: 0,
    signing: true,
  });
  await call('POST', '/affiliate-postbacks', { publisher_id: cashback.id, url: `${affiliate}/gone?tx={transaction_id}`, events: ['rejected'], delay_seconds: 0 });
  await call('POST', '/affiliate-postbacks', { publisher_id: cashback.id, url: `${affiliate}/postback?tx={transaction_id}&s={sub_id}`, events: ['rejected'], delay_seconds: 120 });
  // Rejection-rate alerts: the offer's fires once the rejections below are in, the other advertiser's sees nothing.
  const blueHarbor = (await call('GET', '/advertisers?name=Blue%20Harbor')).advertisers[0];
  const offerAlert = await call('POST', '/alert-rules', {
    offer_id: sale.id,
    window_minutes: 60,
    min_conversions: 10,
    max_rejection_rate_percent: 30,
    webhook_url: `${affiliate}/hooks/services/T0NW4S/B07ALRT/x8Kf2mQ9zR1t`,
    notify_resolved: true,
  });
  await call('POST', '/alert-rules', {
    advertiser_id: blueHarbor.id,
    window_minutes: 1440,
    min_conversions: 50,
    max_rejection_rate_percent: 12.5,
    webhook_url: `${affiliate}/hooks/services/T0NW4S/B07OPS/p0Qw7LmN3vB2`,
  });
  const reasons = ['fraud', 'fraud', 'duplicate', 'fraud', 'test lead', 'chargeback', 'fraud', 'duplicate'];
  let sent = 0;
  for (const [i, t] of transactions.entries()) {
    const key = t.offer_id === sale.id && i % 2 === 0 ? offerUrl.key : global.key;
    await send(key, reasons[i % reasons.length], t.transaction_id);
    sent++;
  }
  // A second word on a few (reason_updated), one for a conversion the platform never tracked (not_found).
  await send(global.key, 'fraud (confirmed by advertiser)', 'NW-10401');
  await send(global.key, 'duplicate', 'NW-10402');
  await send(global.key, 'fraud', 'NW-99999');
  sent += 3;
  // Refused requests: a wrong key and a missing reason.
  await send('not-a-key-at-all-0000000000000000', 'fraud', 'NW-10403');
  await fetch(`${receiver}/v1/rejections?${new URLSearchParams({ key: offerUrl.key, transaction_id: 'NW-10404' })}`);
  await until('the postbacks applied', async () => (await call('GET', '/postbacks?limit=1000')).postbacks.length >= sent);
  await until('the 410 pausing a postback', async () => (await call('GET', `/affiliate-postbacks?status=paused`)).affiliate_postbacks.length === 1);
  await until('the alert firing', async () => (await call('GET', `/alert-rules/${offerAlert.id}`)).state === 'firing');
  await until('the deliveries settled', deliveriesSettled(call));

  // A dead letter: Postgres refuses one postback's log row until the trigger is dropped.
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  await db.query(`CREATE FUNCTION refuse_once() RETURNS trigger AS $$
    BEGIN IF NEW.transaction_id = 'NW-10405' THEN RAISE EXCEPTION 'refused for the screenshot'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
  await db.query('CREATE TRIGGER refuse_once BEFORE INSERT ON postback_log FOR EACH ROW EXECUTE FUNCTION refuse_once()');
  await send(global.key, 'fraud (second report)', 'NW-10405');
  await until('the dead letter', async () => (await call('GET', '/dlq')).total >= 1);
  await db.query('DROP TRIGGER refuse_once ON postback_log');
  await db.end();

  await mkdir(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: admin });
    const page = await context.newPage();
    await page.goto(`${admin}/admin/console/offers/${sale.id}/rejection`);
    await page.fill('#operator', 'dana');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${admin}/admin/console/offers/${sale.id}/rejection`);
    await page.getByRole('region', { name: 'Rejection URLs' }).waitFor();
    await page.getByRole('button', { name: 'Create rejection URL' }).click();
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    await page.getByRole('button', { name: `Refused requests of URL ${offerUrl.id}` }).click();
    await page.getByRole('region', { name: 'Refused requests' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}rejection-tab.png`, fullPage: true });

    await page.getByRole('button', { name: `Rotate URL ${offerUrl.id}` }).click();
    const rotate = page.getByRole('dialog', { name: `Rotate rejection URL ${offerUrl.id}` });
    await rotate.waitFor();
    await page.screenshot({ path: `${OUT}rotate-dialog.png` });
    await rotate.getByRole('button', { name: 'Rotate' }).click();
    await page.getByText(`replacing URL ${offerUrl.id}`).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}rotated.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/advertisers/${advertiser.id}/rejection`);
    await page.getByRole('region', { name: 'Rejection URLs' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}advertiser-rejection-tab.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/log?advertiser_id=${advertiser.id}`);
    await page.getByRole('region', { name: 'Rejection log' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}rejection-log.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/log`);
    await page.getByRole('region', { name: 'Rejection log' }).getByRole('link', { name: 'NW-10401' }).first().click();
    await page.getByRole('heading', { name: 'Conversion NW-10401' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}conversion.png`, fullPage: true });

    // The seeded postbacks all arrived this hour: the last twelve hours, per hour, show them as a bar among empty ones.
    const twelveHoursAgo = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 11 * 3_600_000).toISOString();
    await page.goto(`${admin}/admin/console/reports?${new URLSearchParams({ group_by: 'reason', bucket: 'hour', since: twelveHoursAgo })}`);
    await page.getByRole('region', { name: 'Share of each reason' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}report.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/refusals`);
    await page.getByRole('region', { name: 'Refused requests' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}refused-requests.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/dead-letters`);
    await page.getByRole('region', { name: 'Dead-lettered jobs' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}dead-letters.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/publishers`);
    await page.getByRole('region', { name: 'Publishers' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}publishers.png`, fullPage: true });

    // A signed POST postback made in the form: its secret shown once.
    await page.goto(`${admin}/admin/console/publishers/${blue.id}`);
    await page.getByRole('region', { name: 'Affiliate postbacks' }).waitFor();
    await page.getByLabel('URL template').fill('https://track.blueleads.example/pb/rejections');
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Scope').selectOption({ label: `${installs.name} (${installs.id})` });
    await page.getByLabel('Body template (POST)').fill('{"click":"{sub_id}","status":"{status}","reason":"{rejected_reason}","was":"{previous_status}"}');
    await page.getByRole('checkbox', { name: /^Sign deliveries/ }).check();
    await page.getByRole('button', { name: 'Create affiliate postback' }).click();
    await page.getByLabel('Signing secret', { exact: true }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}publisher.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/publishers/${cashback.id}`);
    await page.getByRole('region', { name: 'Affiliate postbacks' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}publisher-paused.png`, fullPage: true });

    await page.goto(`${admin}/admin/console/deliveries`);
    await page.getByRole('region', { name: 'Deliveries' }).waitFor();
    await page.getByRole('region', { name: 'Deliveries' }).getByText('Show response').first().click();
    // Opening the response scrolls the table's box to it: back to its start for the picture.
    await page.getByRole('region', { name: 'Deliveries' }).evaluate((box) => box.scrollTo(0, 0));
    await settle(page);
    await page.screenshot({ path: `${OUT}deliveries.png`, fullPage: false });

    await page.goto(`${admin}/admin/console/alert-rules`);
    await page.getByRole('region', { name: 'Alert rules' }).waitFor();
    await settle(page);
    await page.screenshot({ path: `${OUT}alert-rules.png`, fullPage: true });
    await page.getByRole('button', { name: `Delete alert rule ${offerAlert.id}`, exact: true }).click();
    await page.getByRole('dialog', { name: `Delete alert rule ${offerAlert.id}?` }).waitFor();
    await page.screenshot({ path: `${OUT}alert-rule-delete.png` });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, storageState: await context.storageState() });
    const small = await phone.newPage();
    await small.goto(`${admin}/admin/console/log`);
    await settle(small);
    await small.getByRole('button', { name: 'Menu' }).click();
    await small.screenshot({ path: `${OUT}phone-log.png`, fullPage: false });
    await small.goto(`${admin}/admin/console/offers/${sale.id}/rejection`);
    await small.getByRole('region', { name: 'Rejection URLs' }).waitFor();
    await settle(small);
    await small.screenshot({ path: `${OUT}phone-rejection-tab.png`, fullPage: true });
    await small.goto(`${admin}/admin/console/conversions/NW-10401`);
    await small.getByRole('region', { name: 'Deliveries of this conversion' }).waitFor();
    await settle(small);
    await small.screenshot({ path: `${OUT}phone-conversion.png`, fullPage: true });
    await small.goto(`${admin}/admin/console/publishers/${cashback.id}`);
    await small.getByRole('region', { name: 'Affiliate postbacks' }).waitFor();
    await settle(small);
    await small.screenshot({ path: `${OUT}phone-publisher.png`, fullPage: true });
    await small.goto(`${admin}/admin/console/alert-rules`);
    await small.getByRole('region', { name: 'Alert rules' }).waitFor();
    await settle(small);
    await small.screenshot({ path: `${OUT}phone-alert-rules.png`, fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`saved to ${OUT}`);
}

/** Every notification due has been delivered, retried to success or failed: no delivery in flight, and no new one for a second. */
function deliveriesSettled(call) {
  let last = -1;
  return async () => {
    const { deliveries } = await call('GET', '/deliveries?limit=1000');
    const settled = deliveries.length > 0 && deliveries.length === last;
    last = deliveries.length;
    if (!settled) await sleep(1000);
    return settled;
  };
}

/** Loaded: no request in flight and nothing still saying "Loading…". */
async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.getByText(/^Loading /).first().waitFor({ state: 'hidden' }).catch(() => undefined);
}

async function cleanUp() {
  affiliateServer?.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)))));
  const redis = new Redis(REDIS_URL);
  // The queues' keys, and the refused requests' under their own tag ({prefix-refusals}, packages/core/src/refusalLog.ts).
  for (const pattern of [`${PREFIX}*`, `${PREFIX.slice(0, -1)}-refusals}*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  await redis.quit();
  await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
}

try {
  await main();
} finally {
  await cleanUp();
}

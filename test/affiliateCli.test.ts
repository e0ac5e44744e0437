import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenOffer } from './helpers/fixtures.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let t: TestEnvironment;

beforeAll(async () => {
  t = await createTestEnvironment('affiliate_cli');
});
afterAll(async () => {
  await t.teardown();
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => Record<string, unknown>;
}

/** The CLI as an operator runs it: `npx postback …` (the bin builds itself when its sources changed). */
async function postback(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/postback'), ['--operator', 'dana', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...t.env },
    });
    return { code: 0, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, json: () => JSON.parse(e.stdout) as Record<string, unknown> };
  }
}

describe('the affiliate commands', () => {
  it('are listed by --help as typed', async () => {
    const { code, stdout } = await postback('--help');
    expect(code).toBe(0);
    for (const usage of [
      '  publisher create <name>\n', '  publisher list', '  affiliate-postback create --publisher <id> [--offer <id>] --url <url>',
      '  affiliate-postback list [--publisher <id>]', '  affiliate-postback show <id>\n', '  affiliate-postback pause <id>\n',
      '  affiliate-postback resume <id>\n', '  affiliate-postback delete <id>\n', '  deliveries list [--affiliate-postback <id>]',
      '  alert-rule create [--offer <id>] [--advertiser <id>] --window <minutes>', '  alert-rule list', '  alert-rule delete <id>\n',
    ]) {
      expect(stdout).toContain(usage);
    }
  });

  it('create a publisher and import a conversion with it', async () => {
    const offer = await givenOffer(t.prisma);
    const publisher = (await postback('publisher', 'create', 'CLI Affiliates')).json();
    expect(publisher).toEqual({ id: expect.any(Number), name: 'CLI Affiliates', created_at: expect.any(String) });
    expect((await postback('publisher', 'list', '--name', 'cli aff')).json()).toEqual({ publishers: [publisher], next_cursor: null });

    const file = join(await mkdtemp(join(tmpdir(), 'affiliate-cli-')), 'conversions.ndjson');
    await writeFile(file, `${JSON.stringify({ transaction_id: 'acli-1', offer_id: offer.id, status: 'approved', publisher_id: publisher.id, sub_id: 'c-9' })}\n`);
    expect((await postback('conversions', 'import', file)).json()).toEqual({ imported: 1 });
    expect((await postback('conversion', 'show', 'acli-1')).json()).toMatchObject({ publisher_id: publisher.id, sub_id: 'c-9' });
  }, 120_000);

  it('set up, list, pause, resume and delete an affiliate postback, each audited', async () => {
    const offer = await givenOffer(t.prisma);
    const publisher = await t.prisma.publisher.create({ data: { name: 'CLI Postback Pub' } });
    const created = await postback(
      'affiliate-postback', 'create', '--publisher', String(publisher.id), '--offer', String(offer.id),
      '--url', 'https://aff.example/pb?tx={transaction_id}&why={rejected_reason}', '--method', 'post',
      '--header', 'Content-Type: application/json', '--header', 'X-Api-Key: k:1',
      '--body', '{"tx":"{transaction_id}"}', '--events', 'rejected,reason_updated', '--reasons', 'fraud,duplicate', '--delay', '300', '--signing',
    );
    expect(created.code, created.stderr).toBe(0);
    const postbackRow = created.json();
    expect(postbackRow).toMatchObject({
      publisher_id: publisher.id, offer_id: offer.id, method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k:1' },
      events: ['rejected', 'reason_updated'], reasons: ['fraud', 'duplicate'], delay_seconds: 300, signed: true, secret: expect.stringMatching(/^whsec_/),
    });
    const id = String(postbackRow.id);
    expect((await postback('affiliate-postback', 'show', id)).json()).not.toHaveProperty('secret');
    expect((await postback('affiliate-postback', 'pause', id)).json()).toMatchObject({ status: 'paused', paused_reason: 'paused by dana' });
    expect((await postback('affiliate-postback', 'list', '--publisher', String(publisher.id))).json()).toMatchObject({
      affiliate_postbacks: [{ id: postbackRow.id, status: 'paused' }], next_cursor: null,
    });
    expect((await postback('affiliate-postback', 'resume', id)).json()).toMatchObject({ status: 'active', paused_reason: null });
    expect((await postback('affiliate-postback', 'delete', id)).json()).toEqual({ deleted: postbackRow.id });
    expect((await postback('affiliate-postback', 'list')).json()).toEqual({ affiliate_postbacks: [], next_cursor: null });
    const gone = await postback('affiliate-postback', 'show', id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`affiliate postback ${id} not found`);

    const audit = (await postback('audit', 'list', '--by', 'dana')).json().audit as Array<{ action: string }>;
    expect(audit.map((a) => a.action).filter((a) => a.startsWith('affiliate_postback.'))).toEqual([
      'affiliate_postback.delete', 'affiliate_postback.resume', 'affiliate_postback.pause', 'affiliate_postback.create',
    ]);
  }, 120_000);

  it('refuse bad input with exit 2 and one line naming what is wrong', async () => {
    const publisher = (await postback('publisher', 'create', 'Refused Pub')).json();
    const create = (...more: string[]) => postback('affiliate-postback', 'create', '--publisher', String(publisher.id), '--events', 'rejected', ...more);
    const cases: Array<[string[], string]> = [
      [['--url', 'https://a.example/?c={clickid}'], 'unknown macro {clickid} in url'],
      [['--url', 'https://a.example/', '--header', 'no colon here'], "--header \"no colon here\": expected 'Name: value'"],
      [['--url', 'https://a.example/', '--header', 'Webhook-Id: x'], 'headers.Webhook-Id'],
      [['--url', 'https://a.example/', '--signing'], 'signing: only a POST or PUT postback can be signed'],
      [['--url', 'https://a.example/', '--body', 'x'], 'body: only a POST or PUT postback has a body'],
      [['--url', 'https://a.example/', '--delay', 'soon'], 'delay_seconds'],
      [['--url', 'https://a.example/', '--method', 'DELETE'], 'method: must be GET, POST or PUT'],
      [['--url', 'gopher://a.example/'], 'url: must be an http:// or https:// URL'],
    ];
    for (const [args, words] of cases) {
      const refused = await create(...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr, args.join(' ')).toContain(words);
      expect(refused.stdout).toBe('');
    }
    const badEvents = await postback('affiliate-postback', 'create', '--publisher', String(publisher.id), '--url', 'https://a.example/', '--events', 'approved');
    expect(badEvents.code).toBe(2);
    expect(badEvents.stderr).toContain('events.0');
    expect(await t.prisma.affiliatePostback.count({ where: { publisherId: Number(publisher.id) } })).toBe(0);
    const unknownPublisher = await postback('affiliate-postback', 'create', '--publisher', '2000000000', '--url', 'https://a.example/', '--events', 'rejected');
    expect(unknownPublisher.code).toBe(1);
    expect(unknownPublisher.stderr).toContain('publisher 2000000000 not found');
  }, 120_000);

  it('list deliveries with filters, newest first', async () => {
    const publisher = await t.prisma.publisher.create({ data: { name: 'Delivery Pub' } });
    const made = await t.prisma.affiliatePostback.create({ data: { publisherId: publisher.id, url: 'https://aff.example/', events: ['rejected'] } });
    const notification = randomUUID();
    await t.prisma.$executeRaw`
      INSERT INTO notifications (id, affiliate_postback_id, transaction_id, event, first_changed_at, due_at, state)
      VALUES (${notification}::uuid, ${made.id}, 'acli-tx', 'rejected', now(), now(), 'delivered')`;
    await t.prisma.$executeRaw`
      INSERT INTO delivery_attempts (notification_id, affiliate_postback_id, transaction_id, attempt, url, status_code, latency_ms, result)
      VALUES (${notification}::uuid, ${made.id}, 'acli-tx', 1, 'https://aff.example/', 500, 9, 'retrying'),
             (${notification}::uuid, ${made.id}, 'acli-tx', 2, 'https://aff.example/', 200, 7, 'delivered')`;
    const all = (await postback('deliveries', 'list', '--affiliate-postback', String(made.id))).json();
    expect((all.deliveries as Array<{ attempt: number }>).map((d) => d.attempt)).toEqual([2, 1]);
    const retrying = (await postback('deliveries', 'list', '--transaction', 'acli-tx', '--status', 'retrying')).json();
    expect(retrying).toEqual({ deliveries: [expect.objectContaining({ attempt: 1, status_code: 500, notification_id: notification })], next_cursor: null });
    const paged = (await postback('deliveries', 'list', '--transaction', 'acli-tx', '--limit', '1')).json();
    expect(paged.next_cursor).toEqual(expect.any(String));
    const bad = await postback('deliveries', 'list', '--status', 'skipped');
    expect(bad.code).toBe(2);
  }, 120_000);

  it('create, list and delete an alert rule', async () => {
    const offer = await givenOffer(t.prisma);
    const created = await postback(
      'alert-rule', 'create', '--offer', String(offer.id), '--window', '60', '--min-conversions', '20', '--max-rate', '25.5',
      '--webhook', 'https://hooks.example/T/B/x', '--notify-resolved',
    );
    expect(created.code, created.stderr).toBe(0);
    const rule = created.json();
    expect(rule).toMatchObject({ offer_id: offer.id, advertiser_id: null, window_minutes: 60, min_conversions: 20, max_rejection_rate_percent: 25.5, notify_resolved: true, state: 'ok' });
    expect((await postback('alert-rule', 'list')).json()).toMatchObject({ alert_rules: [{ id: rule.id }], next_cursor: null });
    expect((await postback('alert-rule', 'delete', String(rule.id))).json()).toEqual({ deleted: rule.id });
    expect((await postback('alert-rule', 'list')).json()).toEqual({ alert_rules: [], next_cursor: null });

    const both = await postback('alert-rule', 'create', '--offer', String(offer.id), '--advertiser', String(offer.advertiserId), '--window', '60',
      '--min-conversions', '20', '--max-rate', '25', '--webhook', 'https://hooks.example/x');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give exactly one of advertiser_id');
    const rate = await postback('alert-rule', 'create', '--offer', String(offer.id), '--window', '60', '--min-conversions', '20', '--max-rate', '101',
      '--webhook', 'https://hooks.example/x');
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('max_rejection_rate_percent: must be a number from 0 to 100');
  }, 120_000);
});

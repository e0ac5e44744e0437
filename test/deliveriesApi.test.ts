import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@postback/core';
import { adminCaller, expectDocumented } from './helpers/adminApiCalls.js';
import { connectAdminDeps, serveAdminApi } from './helpers/pipeline.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenOffer } from './helpers/fixtures.js';

const TOKEN = 'deliveries-admin-token-0123456789';
const fixture = useAdminApi('deliveries_api', TOKEN);
const call = adminCaller(() => fixture.api, TOKEN);

interface Delivery {
  id: string;
  affiliate_postback_id: number | null;
  alert_rule_id: number | null;
  transaction_id: string | null;
  result: string;
  attempt: number;
  error: string | null;
}

let postbackA: number;
let postbackB: number;
let ruleId: number;

/** A notification and its attempts, as the delivery worker records them (it is written by another part of the system). */
async function givenAttempts(
  source: { affiliatePostbackId: number; transactionId: string } | { alertRuleId: number },
  results: Array<{ result: 'delivered' | 'retrying' | 'failed'; status?: number | null; error?: string }>,
): Promise<string> {
  const id = randomUUID();
  const postback = 'affiliatePostbackId' in source ? source.affiliatePostbackId : null;
  const rule = 'alertRuleId' in source ? source.alertRuleId : null;
  const tx = 'transactionId' in source ? source.transactionId : null;
  await fixture.t.prisma.$executeRaw`
    INSERT INTO notifications (id, affiliate_postback_id, alert_rule_id, transaction_id, event, first_changed_at, due_at, state, attempts)
    VALUES (${id}::uuid, ${postback}, ${rule}, ${tx}, ${postback === null ? 'alert.firing' : 'rejected'}, now(), now(), 'sending', ${results.length})`;
  for (const [i, r] of results.entries()) {
    await fixture.t.prisma.$executeRaw`
      INSERT INTO delivery_attempts (notification_id, affiliate_postback_id, alert_rule_id, transaction_id, attempt, url, status_code, latency_ms,
                                     response_head, error, result)
      VALUES (${id}::uuid, ${postback}, ${rule}, ${tx}, ${i + 1}, ${'https://aff.example/pb?tx=' + (tx ?? '') + '&token=****'},
              ${r.status === undefined ? 200 : r.status}, ${12 + i}, ${'ok'}, ${r.error ?? null}, ${r.result}::delivery_result)`;
  }
  return id;
}

beforeAll(async () => {
  const publisher = await fixture.t.prisma.publisher.create({ data: { name: 'Delivered Pub' } });
  const make = () =>
    fixture.t.prisma.affiliatePostback.create({ data: { publisherId: publisher.id, url: 'https://aff.example/pb', events: ['rejected'] } });
  postbackA = (await make()).id;
  postbackB = (await make()).id;
  const offer = await givenOffer(fixture.t.prisma);
  ruleId = (await fixture.t.prisma.alertRule.create({
    data: { offerId: offer.id, windowMinutes: 60, minConversions: 10, maxRejectionRatePercent: 30, webhookUrl: 'https://hooks.example/x' },
  })).id;
  await givenAttempts({ affiliatePostbackId: postbackA, transactionId: 'dl-tx-1' }, [
    { result: 'retrying', status: 503 }, { result: 'retrying', status: null, error: 'connect ECONNREFUSED' }, { result: 'delivered' },
  ]);
  await givenAttempts({ affiliatePostbackId: postbackA, transactionId: 'dl-tx-2' }, [{ result: 'failed', status: 404 }]);
  await givenAttempts({ affiliatePostbackId: postbackB, transactionId: 'dl-tx-1' }, [{ result: 'delivered' }]);
  await givenAttempts({ alertRuleId: ruleId }, [{ result: 'delivered' }]);
});

const listOf = async (query: string) => {
  const res = await call('GET', `/admin/deliveries${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { deliveries: Delivery[]; next_cursor: string | null };
};

describe('GET /admin/deliveries', () => {
  it('lists every attempt newest first, each field as the document says', async () => {
    const page = await listOf('');
    expectDocumented('get', '/admin/deliveries', 200, page);
    expect(page.deliveries).toHaveLength(6);
    const ids = page.deliveries.map((d) => BigInt(d.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? 1 : -1)));
    expect(page.next_cursor).toBeNull();
    expect(page.deliveries.find((d) => d.error !== null)).toMatchObject({
      affiliate_postback_id: postbackA, transaction_id: 'dl-tx-1', attempt: 2, status_code: null, error: 'connect ECONNREFUSED', result: 'retrying',
      url: 'https://aff.example/pb?tx=dl-tx-1&token=****', notification_id: expect.any(String), attempted_at: expect.any(String),
    });
  });

  it('filters by affiliate postback, alert rule, transaction and result, alone and together', async () => {
    const summary = (list: Delivery[]) => list.map((d) => `${d.transaction_id ?? 'alert'}#${d.attempt}:${d.result}`);
    expect(summary((await listOf(`?affiliate_postback_id=${postbackA}`)).deliveries)).toEqual([
      'dl-tx-2#1:failed', 'dl-tx-1#3:delivered', 'dl-tx-1#2:retrying', 'dl-tx-1#1:retrying',
    ]);
    expect(summary((await listOf('?transaction_id=dl-tx-1')).deliveries)).toEqual([
      'dl-tx-1#1:delivered', 'dl-tx-1#3:delivered', 'dl-tx-1#2:retrying', 'dl-tx-1#1:retrying',
    ]);
    expect((await listOf('?transaction_id=dl-tx-1')).deliveries.map((d) => d.affiliate_postback_id)).toEqual([postbackB, postbackA, postbackA, postbackA]);
    expect(summary((await listOf('?status=retrying')).deliveries)).toEqual(['dl-tx-1#2:retrying', 'dl-tx-1#1:retrying']);
    expect(summary((await listOf(`?affiliate_postback_id=${postbackA}&status=delivered`)).deliveries)).toEqual(['dl-tx-1#3:delivered']);
    expect((await listOf(`?alert_rule_id=${ruleId}`)).deliveries).toEqual([expect.objectContaining({ alert_rule_id: ruleId, affiliate_postback_id: null, transaction_id: null })]);
    expect((await listOf('?transaction_id=no-such-tx')).deliveries).toEqual([]);
  });

  it('pages through every attempt once, newest first, to a last page without a cursor', async () => {
    const all = (await listOf('')).deliveries.map((d) => d.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listOf(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.deliveries.map((d) => d.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(seen).toEqual(all);
    expect(pages).toBe(2);
    // A page within a filter continues within it.
    const first = await listOf(`?affiliate_postback_id=${postbackA}&limit=3`);
    const rest = await listOf(`?affiliate_postback_id=${postbackA}&limit=3&cursor=${String(first.next_cursor)}`);
    expect(rest.deliveries.map((d) => `${d.transaction_id}#${d.attempt}`)).toEqual(['dl-tx-1#1']);
    expect(rest.next_cursor).toBeNull();
  });

  it('sees an attempt recorded while an operator pages only on a new first page, never twice', async () => {
    const first = await listOf('?limit=2');
    await givenAttempts({ affiliatePostbackId: postbackB, transactionId: 'dl-tx-3' }, [{ result: 'delivered' }]);
    const second = await listOf(`?limit=2&cursor=${String(first.next_cursor)}`);
    expect(second.deliveries.map((d) => d.transaction_id)).not.toContain('dl-tx-3');
    expect((await listOf('?limit=1')).deliveries[0]).toMatchObject({ transaction_id: 'dl-tx-3' });
  });

  it.each([
    ['?status=skipped', 'status'],
    ['?affiliate_postback_id=x', 'affiliate_postback_id'],
    ['?alert_rule_id=0', 'alert_rule_id'],
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?cursor=bm9wZQ', 'cursor'],
    [`?transaction_id=${'x'.repeat(129)}`, 'transaction_id'],
  ])('answers %s with a 400 naming %s', async (query, field) => {
    expect(await call('GET', `/admin/deliveries${query}`)).toMatchObject({ status: 400, body: { field } });
  });

  it('refuses a parameter it does not know, rather than answer unfiltered', async () => {
    expect(await call('GET', '/admin/deliveries?affiliate_postback=1')).toMatchObject({ status: 400, body: { error: expect.stringContaining('affiliate_postback') } });
  });
});

describe('GET /admin/deliveries with a read replica', () => {
  it('reads from DATABASE_READ_URL, never the primary: a replica that cannot be reached is a 503 naming it', async () => {
    // A port nothing listens on: the replica is down, the primary (DATABASE_URL) is up.
    const admin = connectAdminDeps(loadConfig({ ...fixture.t.env, DATABASE_READ_URL: 'postgresql://postgres@127.0.0.1:9/none' }));
    const served = await serveAdminApi(admin, TOKEN);
    try {
      const viaReplica = adminCaller(() => served.baseUrl, TOKEN);
      expect(await viaReplica('GET', '/admin/deliveries')).toEqual({ status: 503, body: { error: 'read replica unreachable (DATABASE_READ_URL)' } });
      // What must see the latest writes still reads the primary.
      expect((await viaReplica('GET', `/admin/affiliate-postbacks/${postbackA}`)).status).toBe(200);
    } finally {
      await served.close();
      await admin.close();
    }
  });
});

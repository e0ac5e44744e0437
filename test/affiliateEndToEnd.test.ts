// Issue 14's "Done when", through the whole pipeline: set up through the admin API, a rejection sent to the receiver,
// applied by the worker (which writes the outbox), handed on by its relay and delivered by its delivery worker to an
// affiliate's HTTP server on loopback.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { MACROS, type Macro } from '@postback/core';
import { startAffiliateServer, type AffiliateServer, type ReceivedRequest } from './helpers/affiliateDeliveryFixtures.js';
import {
  createAffiliatePostback,
  givenOfferWithRejectionUrl,
  givenPublisher,
  importConversions,
  outcomeOf,
  PIPELINE_ADMIN_TOKEN,
  rejectThrough,
  sendRejection,
  startAffiliatePipeline,
  unique,
  type AffiliatePipeline,
  type ImportedConversion,
} from './helpers/affiliatePipeline.js';
import { eventually } from './helpers/testEnvironment.js';

let p: AffiliatePipeline;
const servers: AffiliateServer[] = [];

beforeAll(async () => {
  p = await startAffiliatePipeline('affiliate_end_to_end');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await p?.close();
});

/** An affiliate's server on loopback answering 200 (or as `answer` says), closed after the test. */
async function affiliateServer(answer?: Parameters<typeof startAffiliateServer>[0]): Promise<AffiliateServer> {
  const server = await startAffiliateServer(answer);
  servers.push(server);
  return server;
}

/** An offer with a rejection URL, and a publisher of its conversions. */
async function givenSetting() {
  return { ...(await givenOfferWithRejectionUrl(p)), publisherId: await givenPublisher(p) };
}

/** Conversions of the publisher on the offer, imported, each with a fresh transaction id: the ids. */
async function givenConversions(
  s: { offerId: number; publisherId: number },
  ...conversions: Array<Partial<ImportedConversion>>
): Promise<string[]> {
  const rows = conversions.map((c) => ({ transaction_id: unique('tx'), offer_id: s.offerId, publisher_id: s.publisherId, status: 'approved' as const, ...c }));
  await importConversions(p, rows);
  return rows.map((r) => r.transaction_id);
}

/** Waits until the affiliate has received `count` requests: them. */
function receivedBy(server: AffiliateServer, count: number): Promise<ReceivedRequest[]> {
  return eventually(async () => server.received.length >= count && [...server.received], 30_000, `${count} request(s) at the affiliate`);
}

/** The notifications of a conversion, once every one of them is final (delivered, failed or skipped). */
async function finalNotificationsOf(transactionId: string) {
  return eventually(async () => {
    const all = await p.t.prisma.notification.findMany({ where: { transactionId }, orderBy: { createdAt: 'asc' } });
    return all.length > 0 && all.every((n) => n.finishedAt !== null) && all;
  }, 30_000, `the notifications of ${transactionId} to be final`);
}

/** Every macro's value for a conversion as the admin API shows it after its change, and what it was before. */
async function macroValuesOf(transactionId: string, before: { status: string; reason: string | null }, payout: string): Promise<Record<Macro, string>> {
  const shown = (await p.call('GET', `/admin/conversions/${transactionId}`)).body as Record<string, string | number | null>;
  return {
    transaction_id: transactionId,
    status: String(shown.status),
    previous_status: before.status,
    rejected_reason: String(shown.rejected_reason),
    previous_reason: before.reason ?? '',
    // As Postgres prints numeric(12,4), which the API's own payout field does not.
    payout,
    offer_id: String(shown.offer_id),
    publisher_id: String(shown.publisher_id),
    sub_id: String(shown.sub_id),
    changed_at: String(shown.updated_at),
  };
}

// Quotes, an ampersand, a backslash, spaces and a percent sign: each breaks a query or a JSON string unless escaped.
const AWKWARD_REASON = 'said "no" & left \\ at 100% speed';
const AWKWARD_SUB_ID = 'sub 7/ü?x=1&y=#2';

describe('a rejection fires one notification with every macro filled in', () => {
  it('a GET: every macro URL-encoded; webhook-id is the notification id; the attempt is in the delivery log', async () => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [tx] = await givenConversions(s, { status: 'rejected', rejected_reason: 'duplicate click', payout: 12.5, sub_id: AWKWARD_SUB_ID });
    const postback = await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      offer_id: s.offerId,
      url: `${server.baseUrl}/pb?${MACROS.map((m) => `${m}={${m}}`).join('&')}`,
      events: ['rejected', 'reason_updated'],
      delay_seconds: 0,
    });

    expect(await rejectThrough(p, s.key, tx!, AWKWARD_REASON)).toBe('reason_updated');
    const [request] = await receivedBy(server, 1);
    const values = await macroValuesOf(tx!, { status: 'rejected', reason: 'duplicate click' }, '12.5000');
    expect(values).toMatchObject({ status: 'rejected', rejected_reason: AWKWARD_REASON, sub_id: AWKWARD_SUB_ID, publisher_id: String(s.publisherId) });
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe(`/pb?${MACROS.map((m) => `${m}=${encodeURIComponent(values[m])}`).join('&')}`);
    expect(Object.fromEntries(new URL(request!.url, server.baseUrl).searchParams)).toEqual(values);

    const [notification, ...more] = await finalNotificationsOf(tx!);
    expect(more).toEqual([]);
    expect(notification).toMatchObject({ state: 'delivered', attempts: 1, affiliatePostbackId: postback.id, event: 'reason_updated' });
    expect(request!.headers['webhook-id']).toBe(notification!.id);
    expect(server.received).toHaveLength(1);

    const log = await p.call('GET', `/admin/deliveries?transaction_id=${encodeURIComponent(tx!)}`);
    expect(log).toMatchObject({
      status: 200,
      body: {
        deliveries: [
          {
            notification_id: notification!.id,
            affiliate_postback_id: postback.id,
            alert_rule_id: null,
            transaction_id: tx,
            attempt: 1,
            url: `${server.baseUrl}${request!.url}`,
            status_code: 200,
            response_head: 'ok',
            error: null,
            result: 'delivered',
          },
        ],
        next_cursor: null,
      },
    });
  });

  it('a JSON POST: every macro JSON-escaped in the body, sent as application/json', async () => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [tx] = await givenConversions(s, { status: 'rejected', rejected_reason: 'the "first" one', payout: 0.75, sub_id: AWKWARD_SUB_ID });
    await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      url: `${server.baseUrl}/hooks/rejections`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{${MACROS.map((m) => `"${m}":"{${m}}"`).join(',')}}`,
      events: ['reason_updated'],
      delay_seconds: 0,
    });

    expect(await rejectThrough(p, s.key, tx!, AWKWARD_REASON)).toBe('reason_updated');
    const [request] = await receivedBy(server, 1);
    expect(request).toMatchObject({ method: 'POST', url: '/hooks/rejections' });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toEqual(await macroValuesOf(tx!, { status: 'rejected', reason: 'the "first" one' }, '0.7500'));
    const [notification, ...more] = await finalNotificationsOf(tx!);
    expect(more).toEqual([]);
    expect(request!.headers['webhook-id']).toBe(notification!.id);
    expect(server.received).toHaveLength(1);
  });
});

describe('filters, end to end', () => {
  it('a postback for rejections only is not fired by a reason update', async () => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [updated, rejected] = await givenConversions(s, { status: 'rejected', rejected_reason: 'duplicate' }, { status: 'approved' });
    await createAffiliatePostback(p, { publisher_id: s.publisherId, url: `${server.baseUrl}/pb?t={transaction_id}`, events: ['rejected'], delay_seconds: 0 });

    expect(await rejectThrough(p, s.key, updated!, 'fraud')).toBe('reason_updated');
    expect(await rejectThrough(p, s.key, rejected!, 'fraud')).toBe('rejected');
    // The rejection's notification arrives; the reason update, applied before it, wrote none.
    await finalNotificationsOf(rejected!);
    expect(server.received.map((r) => r.url)).toEqual([`/pb?t=${rejected}`]);
    expect(await p.t.prisma.notification.count({ where: { transactionId: updated! } })).toBe(0);
  });

  it('a postback for some reasons is not fired by another reason', async () => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [other, named] = await givenConversions(s, {}, {});
    await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      url: `${server.baseUrl}/pb?t={transaction_id}&r={rejected_reason}`,
      events: ['rejected', 'reason_updated'],
      reasons: ['chargeback'],
      delay_seconds: 0,
    });

    expect(await rejectThrough(p, s.key, other!, 'bot_traffic')).toBe('rejected');
    expect(await rejectThrough(p, s.key, named!, 'chargeback')).toBe('rejected');
    await finalNotificationsOf(named!);
    expect(server.received.map((r) => r.url)).toEqual([`/pb?t=${named}&r=chargeback`]);
    expect(await p.t.prisma.notification.count({ where: { transactionId: other! } })).toBe(0);
  });
});

describe('changes within the delay', () => {
  it('a reason corrected within the delay to one the postback does not name fires nothing', async () => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [corrected, kept] = await givenConversions(s, {}, {});
    await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      url: `${server.baseUrl}/pb?t={transaction_id}&r={rejected_reason}`,
      events: ['rejected', 'reason_updated'],
      reasons: ['fraud'],
      delay_seconds: 2,
    });

    expect(await rejectThrough(p, s.key, corrected!, 'fraud')).toBe('rejected');
    expect(await rejectThrough(p, s.key, corrected!, 'test_order')).toBe('reason_updated');
    expect(await rejectThrough(p, s.key, kept!, 'fraud')).toBe('rejected');
    const [skipped] = await finalNotificationsOf(corrected!);
    await finalNotificationsOf(kept!);
    // The settled state is a rejection for a reason the affiliate did not ask about: not sent, and the row says why.
    expect(skipped).toMatchObject({ state: 'skipped', attempts: 0, lastError: expect.stringContaining('test_order') });
    expect(server.received.map((r) => r.url)).toEqual([`/pb?t=${kept}&r=fraud`]);
  });

  // Sent together, the three are likely applied by one batch (one INSERT meets its own row); one at a time, each
  // change's transaction meets the waiting row an earlier one committed.
  it.each([
    ['sent together', false],
    ['each applied before the next is sent', true],
  ])('three changes (%s) give one notification with the last state, and previous_* from before the first', async (_how, oneAtATime) => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [tx] = await givenConversions(s, { status: 'pending' });
    await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      url: `${server.baseUrl}/pb?s={status}&r={rejected_reason}&ps={previous_status}&pr={previous_reason}&at={changed_at}`,
      events: ['rejected', 'reason_updated'],
      delay_seconds: 3,
    });

    // One after another (each acknowledged before the next goes out, so received in this order), well inside 3 s.
    const ids = [];
    for (const reason of ['fraud', 'chargeback', 'duplicate']) {
      ids.push(await sendRejection(p, s.key, tx!, reason));
      if (oneAtATime) await outcomeOf(p, ids.at(-1)!);
    }
    expect(await Promise.all(ids.map((id) => outcomeOf(p, id)))).toEqual(['rejected', 'reason_updated', 'reason_updated']);

    const [request] = await receivedBy(server, 1);
    const shown = (await p.call('GET', `/admin/conversions/${tx}`)).body as { updated_at: string; history: unknown[] };
    expect(shown.history).toHaveLength(3);
    expect(Object.fromEntries(new URL(request!.url, server.baseUrl).searchParams)).toEqual({
      s: 'rejected',
      r: 'duplicate',
      ps: 'pending',
      pr: '',
      at: shown.updated_at,
    });
    const [notification, ...more] = await finalNotificationsOf(tx!);
    expect(more).toEqual([]);
    expect(notification).toMatchObject({ state: 'delivered', event: 'rejected', previousStatus: 'pending' });
    // Sent after the delay from the first change (a few ms of rounding aside), not before.
    expect(request!.at).toBeGreaterThanOrEqual(notification!.dueAt.getTime() - 50);
    expect(server.received).toHaveLength(1);
  });
});

describe('signing', () => {
  it('every attempt of a signed delivery verifies with the Standard Webhooks package and the secret of the 201', async () => {
    const s = await givenSetting();
    // The first attempt fails: the retry is signed afresh, and verifies too.
    const server = await affiliateServer((_req, res, index) => void res.writeHead(index === 0 ? 500 : 200).end());
    const [tx] = await givenConversions(s, { payout: 3 });
    const created = await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      url: `${server.baseUrl}/signed`,
      method: 'POST',
      body: '{"transaction_id":"{transaction_id}","reason":"{rejected_reason}"}',
      events: ['rejected'],
      delay_seconds: 0,
      signing: true,
    });
    const secret = String(created.secret);

    expect(await rejectThrough(p, s.key, tx!, AWKWARD_REASON)).toBe('rejected');
    const requests = await receivedBy(server, 2);
    const [notification] = await finalNotificationsOf(tx!);
    expect(notification).toMatchObject({ state: 'delivered', attempts: 2 });
    for (const request of requests) {
      expect(request.headers['webhook-id']).toBe(notification!.id);
      expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual({ transaction_id: tx, reason: AWKWARD_REASON });
    }
    const otherSecret = `whsec_${Buffer.from('not the secret of this postback').toString('base64')}`;
    expect(() => new Webhook(otherSecret).verify(requests[0]!.body, requests[0]!.headers as Record<string, string>)).toThrow();
  });
});

describe('bulk rejections', () => {
  it('a bulk upload fires the affiliate postbacks of the conversions it changes', async () => {
    const s = await givenSetting();
    const server = await affiliateServer();
    const [approved, pending, same] = await givenConversions(s, {}, { status: 'pending' }, { status: 'rejected', rejected_reason: 'fraud' });
    await createAffiliatePostback(p, {
      publisher_id: s.publisherId,
      url: `${server.baseUrl}/pb?t={transaction_id}&r={rejected_reason}&ps={previous_status}`,
      events: ['rejected', 'reason_updated'],
      delay_seconds: 0,
    });

    const res = await fetch(`${p.adminUrl}/admin/rejections/bulk?offer_id=${s.offerId}&reason=fraud`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PIPELINE_ADMIN_TOKEN}`, 'content-type': 'text/csv' },
      body: ['transaction_id', approved, pending, same, ''].join('\n'),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = await eventually(async () => {
      const record = (await p.call('GET', `/admin/rejections/bulk/${id}`)).body;
      return record.status === 'completed' && record;
    }, 30_000, 'the upload to be applied');
    expect(done.outcomes).toMatchObject({ rejected: 2, unchanged: 1 });

    // The unchanged one fires nothing; the two changes one notification each.
    await Promise.all([finalNotificationsOf(approved!), finalNotificationsOf(pending!)]);
    expect(server.received.map((r) => r.url).sort()).toEqual([`/pb?t=${approved}&r=fraud&ps=approved`, `/pb?t=${pending}&r=fraud&ps=pending`].sort());
    expect(await p.t.prisma.notification.count({ where: { transactionId: same! } })).toBe(0);
  });
});

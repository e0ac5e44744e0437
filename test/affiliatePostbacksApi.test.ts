import { beforeAll, describe, expect, it } from 'vitest';
import { givenOffer } from './helpers/fixtures.js';
import { adminCaller, expectDocumented } from './helpers/adminApiCalls.js';
import { useAdminApi } from './helpers/adminApiFixture.js';

const TOKEN = 'affiliate-postbacks-admin-token-0123';
const fixture = useAdminApi('affiliate_postbacks_api', TOKEN);
const call = adminCaller(() => fixture.api, TOKEN);

let publisherId: number;
let offerId: number;
beforeAll(async () => {
  publisherId = (await fixture.t.prisma.publisher.create({ data: { name: 'Postback Pub' } })).id;
  offerId = (await givenOffer(fixture.t.prisma)).id;
});

const basic = () => ({ publisher_id: publisherId, url: 'https://aff.example/pb?tx={transaction_id}&r={rejected_reason}', events: ['rejected'] });

describe('POST /admin/affiliate-postbacks', () => {
  it('creates a GET postback with the defaults, shown without a secret', async () => {
    const created = await call('POST', '/admin/affiliate-postbacks', basic());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number), publisher_id: publisherId, offer_id: null, url: basic().url, method: 'GET', headers: {}, body: null,
      events: ['rejected'], reasons: [], delay_seconds: 120, signed: false, status: 'active', paused_reason: null, paused_at: null,
      created_at: expect.any(String),
    });
    expectDocumented('post', '/admin/affiliate-postbacks', 201, created.body);
  });

  it('creates a signed POST with a body, headers, reasons and an offer; the secret is shown once, in the 201 only', async () => {
    const created = await call('POST', '/admin/affiliate-postbacks', {
      ...basic(), offer_id: offerId, method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k' },
      body: '{"tx":"{transaction_id}","was":"{previous_status}","sub":"{sub_id}"}', events: ['rejected', 'reason_updated'],
      reasons: ['fraud', 'duplicate'], delay_seconds: 0, signing: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ offer_id: offerId, method: 'POST', signed: true, delay_seconds: 0, reasons: ['fraud', 'duplicate'] });
    const secret = String(created.body.secret);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expectDocumented('post', '/admin/affiliate-postbacks', 201, created.body);
    const row = await fixture.t.prisma.affiliatePostback.findUniqueOrThrow({ where: { id: Number(created.body.id) } });
    expect(row.secret).toBe(secret);

    const shown = await call('GET', `/admin/affiliate-postbacks/${String(created.body.id)}`);
    expect(shown.body).not.toHaveProperty('secret');
    expect(JSON.stringify(shown.body)).not.toContain(secret);
    const { secret: _, ...withoutSecret } = created.body;
    expect(shown.body).toEqual(withoutSecret);
    expectDocumented('get', '/admin/affiliate-postbacks/:id', 200, shown.body);
    const audit = await call('GET', '/admin/audit?action=affiliate_postback.create');
    expect(JSON.stringify(audit.body)).not.toContain(secret);
    expect(JSON.stringify(audit.body)).not.toContain('X-Api-Key');
  });

  it('refuses an unknown macro by name, in the url or the body', async () => {
    expect(await call('POST', '/admin/affiliate-postbacks', { ...basic(), url: 'https://aff.example/?c={clickid}' })).toMatchObject({
      status: 400, body: { field: 'url', error: expect.stringContaining('unknown macro {clickid} in url') },
    });
    expect(await call('POST', '/admin/affiliate-postbacks', { ...basic(), method: 'PUT', body: 'x={payout}&y={amount}' })).toMatchObject({
      status: 400, body: { field: 'body', error: expect.stringContaining('unknown macro {amount} in body') },
    });
  });

  it.each([
    [{ url: 'javascript:alert(1)' }, 'url'],
    [{ url: 'https://user:pw@aff.example/' }, 'url'],
    [{ method: 'PATCH' }, 'method'],
    [{ body: 'tx={transaction_id}' }, 'body'],
    [{ signing: true }, 'signing'],
    [{ headers: { 'X-A': 'one\r\nX-B: two' } }, 'headers.X-A'],
    [{ headers: { 'webhook-signature': 'v1,x' } }, 'headers.webhook-signature'],
    [{ headers: 'X-A: 1' }, 'headers'],
    [{ events: [] }, 'events'],
    [{ events: ['approved'] }, 'events.0'],
    [{ events: undefined }, 'events'],
    [{ reasons: 'fraud' }, 'reasons'],
    [{ delay_seconds: 604_801 }, 'delay_seconds'],
    [{ delay_seconds: 1.5 }, 'delay_seconds'],
    [{ publisher_id: 'x' }, 'publisher_id'],
    [{ publisher_id: 2_147_483_648 }, 'publisher_id'],
  ])('answers %j with a 400 naming %s, and creates nothing', async (change, field) => {
    const before = await fixture.t.prisma.affiliatePostback.count();
    const refused = await call('POST', '/admin/affiliate-postbacks', { ...basic(), ...change });
    expect(refused).toMatchObject({ status: 400, body: { field } });
    expect(await fixture.t.prisma.affiliatePostback.count()).toBe(before);
  });

  it('answers a publisher or an offer that does not exist with a 404 naming it', async () => {
    expect(await call('POST', '/admin/affiliate-postbacks', { ...basic(), publisher_id: 2_000_000_000 })).toEqual({
      status: 404, body: { error: 'publisher 2000000000 not found' },
    });
    expect(await call('POST', '/admin/affiliate-postbacks', { ...basic(), offer_id: 2_000_000_000 })).toEqual({
      status: 404, body: { error: 'offer 2000000000 not found' },
    });
  });
});

describe('an affiliate postback after it was created', () => {
  it('is paused and resumed, each audited; resume clears why and when', async () => {
    const id = (await call('POST', '/admin/affiliate-postbacks', basic())).body.id;
    const paused = await call('POST', `/admin/affiliate-postbacks/${String(id)}/pause`, undefined, { 'x-operator': 'bob' });
    expect(paused).toMatchObject({ status: 200, body: { id, status: 'paused', paused_reason: 'paused by bob', paused_at: expect.any(String) } });
    expectDocumented('post', '/admin/affiliate-postbacks/:id/pause', 200, paused.body);
    // Pausing again keeps the first reason (which may be the delivery worker's "410 Gone from …").
    expect((await call('POST', `/admin/affiliate-postbacks/${String(id)}/pause`)).body).toEqual(paused.body);
    expect((await call('GET', `/admin/affiliate-postbacks?status=paused&publisher_id=${publisherId}`)).body.affiliate_postbacks).toEqual([paused.body]);

    const resumed = await call('POST', `/admin/affiliate-postbacks/${String(id)}/resume`);
    expect(resumed).toMatchObject({ status: 200, body: { id, status: 'active', paused_reason: null, paused_at: null } });
    expectDocumented('post', '/admin/affiliate-postbacks/:id/resume', 200, resumed.body);

    const audit = (await call('GET', '/admin/audit?limit=1000')).body.audit as Array<{ action: string; target: string }>;
    expect(audit.filter((a) => a.target === String(id)).map((a) => a.action)).toEqual([
      'affiliate_postback.resume', 'affiliate_postback.pause', 'affiliate_postback.pause', 'affiliate_postback.create',
    ]);
  });

  it('is deleted with a 204: gone from the list and the lookup, its row kept for the delivery log', async () => {
    const id = (await call('POST', '/admin/affiliate-postbacks', basic())).body.id;
    const deleted = await call('DELETE', `/admin/affiliate-postbacks/${String(id)}`);
    expect(deleted).toEqual({ status: 204, body: {} });
    expect(await call('GET', `/admin/affiliate-postbacks/${String(id)}`)).toEqual({ status: 404, body: { error: `affiliate postback ${String(id)} not found` } });
    const listed = (await call('GET', '/admin/affiliate-postbacks?limit=1000')).body.affiliate_postbacks as Array<{ id: number }>;
    expect(listed.map((p) => p.id)).not.toContain(id);
    expect((await call('DELETE', `/admin/affiliate-postbacks/${String(id)}`)).status).toBe(404);
    expect((await call('POST', `/admin/affiliate-postbacks/${String(id)}/pause`)).status).toBe(404);
    expect(await fixture.t.prisma.affiliatePostback.findUnique({ where: { id: Number(id) } })).toMatchObject({ deletedAt: expect.any(Date) });
    const audit = await call('GET', '/admin/audit?action=affiliate_postback.delete');
    expect(audit.body.audit).toEqual([expect.objectContaining({ target: String(id), details: { publisher_id: publisherId } })]);
  });

  it('is listed by publisher, offer and status, a page at a time', async () => {
    const other = (await fixture.t.prisma.publisher.create({ data: { name: 'Listed Pub' } })).id;
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(Number((await call('POST', '/admin/affiliate-postbacks', { ...basic(), publisher_id: other, offer_id: i === 2 ? offerId : undefined })).body.id));
    }
    const first = await call('GET', `/admin/affiliate-postbacks?publisher_id=${other}&limit=2`);
    expectDocumented('get', '/admin/affiliate-postbacks', 200, first.body);
    expect((first.body.affiliate_postbacks as Array<{ id: number }>).map((p) => p.id)).toEqual(ids.slice(0, 2));
    const second = await call('GET', `/admin/affiliate-postbacks?publisher_id=${other}&limit=2&cursor=${String(first.body.next_cursor)}`);
    expect(second.body).toMatchObject({ affiliate_postbacks: [{ id: ids[2] }], next_cursor: null });
    expect((await call('GET', `/admin/affiliate-postbacks?publisher_id=${other}&offer_id=${offerId}`)).body.affiliate_postbacks).toEqual([
      expect.objectContaining({ id: ids[2] }),
    ]);
    expect(await call('GET', '/admin/affiliate-postbacks?status=gone')).toMatchObject({ status: 400, body: { field: 'status' } });
    expect(await call('GET', '/admin/affiliate-postbacks?publisher=1')).toMatchObject({ status: 400 });
    expect(await call('GET', '/admin/affiliate-postbacks?cursor=nope')).toMatchObject({ status: 400, body: { field: 'cursor' } });
  });
});

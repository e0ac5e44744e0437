import { describe, expect, it } from 'vitest';
import { givenOffer } from './helpers/fixtures.js';
import { adminCaller, expectDocumented } from './helpers/adminApiCalls.js';
import { useAdminApi } from './helpers/adminApiFixture.js';

const TOKEN = 'publishers-admin-token-0123456789';
const fixture = useAdminApi('publishers', TOKEN);
const call = adminCaller(() => fixture.api, TOKEN);

describe('publishers', () => {
  it('creates a publisher, shows it, and finds it by a part of its name', async () => {
    const created = await call('POST', '/admin/publishers', { name: '  Acme Affiliates ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), name: 'Acme Affiliates', created_at: expect.any(String) });
    expectDocumented('post', '/admin/publishers', 201, created.body);
    await call('POST', '/admin/publishers', { name: 'Other Network' });

    const shown = await call('GET', `/admin/publishers/${String(created.body.id)}`);
    expect(shown).toEqual({ status: 200, body: created.body });
    expectDocumented('get', '/admin/publishers/:id', 200, shown.body);
    const found = await call('GET', '/admin/publishers?name=acme');
    expect(found).toEqual({ status: 200, body: { publishers: [created.body], next_cursor: null } });
    expectDocumented('get', '/admin/publishers', 200, found.body);
  });

  it('pages through publishers oldest first', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/admin/publishers', { name: `Paged ${i}` });
    const first = await call('GET', '/admin/publishers?name=paged&limit=2');
    expect((first.body.publishers as Array<{ name: string }>).map((p) => p.name)).toEqual(['Paged 0', 'Paged 1']);
    const second = await call('GET', `/admin/publishers?name=paged&limit=2&cursor=${String(first.body.next_cursor)}`);
    expect(second.body).toMatchObject({ publishers: [{ name: 'Paged 2' }], next_cursor: null });
  });

  it('answers bad input with a 400 naming the field, and an unknown id with a 404', async () => {
    expect(await call('POST', '/admin/publishers', { name: ' ' })).toMatchObject({ status: 400, body: { field: 'name' } });
    expect(await call('POST', '/admin/publishers', {})).toMatchObject({ status: 400, body: { field: 'name' } });
    expect(await call('GET', '/admin/publishers/abc')).toMatchObject({ status: 400, body: { field: 'id' } });
    expect(await call('GET', '/admin/publishers?nmae=x')).toMatchObject({ status: 400 });
    expect(await call('GET', '/admin/publishers/2147483647')).toMatchObject({ status: 404, body: { error: 'publisher 2147483647 not found' } });
  });

  it('records who created a publisher in the audit trail', async () => {
    const created = await call('POST', '/admin/publishers', { name: 'Audited Pub' }, { 'x-operator': 'alice' });
    const audit = await call('GET', '/admin/audit?action=publisher.create&operator=alice');
    expect(audit.body.audit).toEqual([expect.objectContaining({ action: 'publisher.create', target: String(created.body.id), details: { name: 'Audited Pub' } })]);
  });
});

describe('conversions and their publisher', () => {
  it('imports conversions with publisher_id and sub_id, and without them as before; the lookup shows both', async () => {
    const offer = await givenOffer(fixture.t.prisma);
    const publisher = (await call('POST', '/admin/publishers', { name: 'Importing Pub' })).body;
    const imported = await call('POST', '/admin/conversions', {
      conversions: [
        { transaction_id: 'pub-tx-1', offer_id: offer.id, status: 'approved', payout: 2.5, publisher_id: publisher.id, sub_id: 'click-77' },
        { transaction_id: 'pub-tx-2', offer_id: offer.id, status: 'pending' },
      ],
    });
    expect(imported).toEqual({ status: 201, body: { imported: 2 } });

    const withPublisher = await call('GET', '/admin/conversions/pub-tx-1');
    expect(withPublisher.body).toMatchObject({ transaction_id: 'pub-tx-1', publisher_id: publisher.id, sub_id: 'click-77' });
    expectDocumented('get', '/admin/conversions/:transactionId', 200, withPublisher.body);
    const without = await call('GET', '/admin/conversions/pub-tx-2');
    expect(without.body).toMatchObject({ transaction_id: 'pub-tx-2', publisher_id: null, sub_id: null });
    expectDocumented('get', '/admin/conversions/:transactionId', 200, without.body);
  });

  it('refuses an unknown publisher with a 400 naming it, and imports nothing of the request', async () => {
    const offer = await givenOffer(fixture.t.prisma);
    const publisher = (await call('POST', '/admin/publishers', { name: 'Known Pub' })).body;
    const refused = await call('POST', '/admin/conversions', {
      conversions: [
        { transaction_id: 'pub-tx-3', offer_id: offer.id, status: 'approved', publisher_id: publisher.id },
        { transaction_id: 'pub-tx-4', offer_id: offer.id, status: 'approved', publisher_id: 2_000_000_000 },
      ],
    });
    expect(refused).toEqual({ status: 400, body: { error: 'unknown publisher id(s): 2000000000', field: 'publisher_id' } });
    expect(await fixture.t.prisma.conversion.count({ where: { transactionId: { in: ['pub-tx-3', 'pub-tx-4'] } } })).toBe(0);
  });

  it('refuses a sub_id longer than its column, or empty, naming it', async () => {
    const offer = await givenOffer(fixture.t.prisma);
    for (const sub_id of ['x'.repeat(256), '', 7]) {
      const refused = await call('POST', '/admin/conversions', { conversions: [{ transaction_id: 'pub-tx-5', offer_id: offer.id, status: 'approved', sub_id }] });
      expect(refused, JSON.stringify(sub_id)).toMatchObject({ status: 400, body: { field: 'conversions.0.sub_id' } });
    }
  });
});

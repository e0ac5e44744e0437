import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeRejectionEndpoint } from '../apps/admin/src/services/rejectionEndpoints.js';
import { givenAdvertiser, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, serveAdminApi, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'admin-lists-token-0123456789';
let t: TestEnvironment;
let admin: AdminHandle;
let api: string;
let closeApi: () => Promise<void>;

beforeAll(async () => {
  t = await createTestEnvironment('admin_lists');
  admin = connectAdminDeps(t.cfg);
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN));
});

afterAll(async () => {
  await closeApi();
  await admin.close();
  await t.teardown();
});

async function get(path: string) {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, text: await res.clone().text(), body: (await res.json()) as Record<string, unknown> };
}

/** Every row of a list, following next_cursor page by page; also how many pages it took. */
async function everyPage(path: string, listName: string, limit: number): Promise<{ rows: Array<Record<string, unknown>>; pages: number }> {
  const rows: Array<Record<string, unknown>> = [];
  let cursor: unknown = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${String(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    rows.push(...(page.body[listName] as Array<Record<string, unknown>>));
    cursor = page.body.next_cursor;
    pages += 1;
  } while (cursor !== null);
  return { rows, pages };
}

const ids = (list: unknown) => (list as Array<{ id: number }>).map((r) => r.id);

describe('GET /admin/advertisers', () => {
  it('finds advertisers by a part of their name in any case, taking % and _ literally', async () => {
    const names = ['Acme Corp', 'ACME Europe', 'Globex', '100% Media', '1000 Media', 'a_b Ads', 'axb Ads'];
    const made = await Promise.all(names.map((name) => t.prisma.advertiser.create({ data: { name } })));
    const idOf = (name: string) => made.find((a) => a.name === name)!.id;

    const acme = await get('/admin/advertisers?name=acme');
    expect(acme.status).toBe(200);
    expect(acme.body).toEqual({
      advertisers: [
        { id: idOf('Acme Corp'), name: 'Acme Corp', created_at: expect.any(String) },
        { id: idOf('ACME Europe'), name: 'ACME Europe', created_at: expect.any(String) },
      ].sort((a, b) => a.id - b.id),
      next_cursor: null,
    });
    expect(ids((await get(`/admin/advertisers?name=${encodeURIComponent('100%')}`)).body.advertisers)).toEqual([idOf('100% Media')]);
    expect(ids((await get('/admin/advertisers?name=a_b')).body.advertisers)).toEqual([idOf('a_b Ads')]);
  });

  it('pages through every advertiser once, oldest first, to a last page without a cursor', async () => {
    for (let i = 0; i < 5; i++) await givenAdvertiser(t.prisma);
    const all = await t.prisma.advertiser.findMany({ orderBy: { id: 'asc' } });
    const { rows, pages } = await everyPage('/admin/advertisers', 'advertisers', 2);
    expect(ids(rows)).toEqual(all.map((a) => a.id));
    expect(pages).toBe(Math.ceil(all.length / 2));
  });
});

describe('GET /admin/offers', () => {
  it("lists an advertiser's offers, or all of them, a page at a time", async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const mine = [await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id)];
    const other = await givenOffer(t.prisma);

    const { rows } = await everyPage(`/admin/offers?advertiser_id=${advertiser.id}`, 'offers', 2);
    expect(rows).toEqual(mine.map((o) => ({ id: o.id, advertiser_id: advertiser.id, name: o.name, created_at: o.createdAt.toISOString() })));
    expect(ids((await get('/admin/offers?limit=1000')).body.offers)).toContain(other.id);
  });

  it("finds an advertiser's offers by a part of their name in any case, taking % and _ literally", async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const named = async (name: string) => t.prisma.offer.create({ data: { advertiserId: advertiser.id, name } });
    const [summer, summerEu] = [await named('Summer Sale CPA'), await named('SUMMER sale EU')];
    const [percent] = [await named('50% off'), await named('500 off'), await named('a_b offer'), await named('axb offer')];
    const elsewhere = await givenOffer(t.prisma);

    const found = await get(`/admin/offers?advertiser_id=${advertiser.id}&name=summer`);
    expect(found.status).toBe(200);
    expect(ids(found.body.offers)).toEqual([summer.id, summerEu.id]);
    expect(ids((await get(`/admin/offers?advertiser_id=${advertiser.id}&name=${encodeURIComponent('50%')}`)).body.offers)).toEqual([percent!.id]);
    expect(ids((await get(`/admin/offers?advertiser_id=${advertiser.id}&name=a_b`)).body.offers)).toHaveLength(1);
    expect(ids((await get(`/admin/offers?name=${encodeURIComponent(elsewhere.name)}`)).body.offers)).toContain(elsewhere.id);
    expect((await get('/admin/offers?name=')).status).toBe(400);
  });
});

describe('GET /admin/rejection-endpoints', () => {
  it('lists rejection URLs by advertiser, offer, scope and revoked, with when each was last used, and never a key or its hash', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const [summer, winter] = [await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id)];
    const global = await givenRejectionUrl(admin, { advertiserId: advertiser.id });
    const summerUrl = await givenRejectionUrl(admin, { offerId: summer.id });
    const winterUrl = await givenRejectionUrl(admin, { offerId: winter.id });
    const elsewhere = await givenRejectionUrl(admin, { advertiserId: (await givenAdvertiser(t.prisma)).id });
    const revoked = await revokeRejectionEndpoint(admin, winterUrl.id);
    const lastUsed = new Date('2026-11-27T10:00:00.000Z');
    for (const receivedAt of [new Date('2026-11-26T10:00:00.000Z'), lastUsed]) {
      await t.prisma.postbackLog.create({
        data: { postbackId: randomUUID(), endpointId: summerUrl.id, transactionId: 'tx', reason: 'fraud', seq: 1n, receivedAt, outcome: 'not_found', attempts: 1 },
      });
    }

    const listed = await get(`/admin/rejection-endpoints?advertiser_id=${advertiser.id}`);
    expect(listed.status).toBe(200);
    const stored = await t.prisma.rejectionEndpoint.findMany({ where: { advertiserId: advertiser.id }, orderBy: { id: 'asc' } });
    expect(listed.body).toEqual({
      rejection_endpoints: [
        { id: global.id, scope: 'global', advertiser_id: advertiser.id, offer_id: null, revoked_at: null, last_used_at: null },
        { id: summerUrl.id, scope: 'offer', advertiser_id: advertiser.id, offer_id: summer.id, revoked_at: null, last_used_at: lastUsed.toISOString() },
        { id: winterUrl.id, scope: 'offer', advertiser_id: advertiser.id, offer_id: winter.id, revoked_at: revoked.revoked_at, last_used_at: null },
      ].map((entry, i) => ({ ...entry, created_at: stored[i]!.createdAt.toISOString(), postbacks_24h: 0, expires_at: null, replaced_by: null })),
      next_cursor: null,
    });
    for (const endpoint of stored) expect(listed.text).not.toContain(endpoint.keyHash);
    for (const key of [global.key, summerUrl.key, winterUrl.key]) expect(listed.text).not.toContain(key);
    expect(listed.text).not.toMatch(/key/i);

    const listedIds = async (query: string) => ids((await get(`/admin/rejection-endpoints?${query}`)).body.rejection_endpoints);
    expect(await listedIds(`offer_id=${summer.id}`)).toEqual([summerUrl.id]);
    expect(await listedIds(`advertiser_id=${advertiser.id}&scope=global`)).toEqual([global.id]);
    expect(await listedIds(`advertiser_id=${advertiser.id}&scope=offer`)).toEqual([summerUrl.id, winterUrl.id]);
    expect(await listedIds(`advertiser_id=${advertiser.id}&revoked=false`)).toEqual([global.id, summerUrl.id]);
    expect(await listedIds('revoked=true')).toEqual([winterUrl.id]);
    expect(await listedIds('limit=1000')).toContain(elsewhere.id);
    const { rows } = await everyPage(`/admin/rejection-endpoints?advertiser_id=${advertiser.id}`, 'rejection_endpoints', 1);
    expect(ids(rows)).toEqual([global.id, summerUrl.id, winterUrl.id]);
  });
});

describe('the list routes', () => {
  it.each([
    ['/admin/advertisers?nmae=acme', 'nmae'],
    ['/admin/advertisers?limit=0', 'limit'],
    ['/admin/advertisers?cursor=not-ours', 'cursor'],
    ['/admin/offers?advertiser_id=x', 'advertiser_id'],
    ['/admin/offers?limit=1001', 'limit'],
    ['/admin/rejection-endpoints?revoked=yes', 'revoked'],
    ['/admin/rejection-endpoints?scope=all', 'scope'],
    ['/admin/rejection-endpoints?offer_id=1&offer_id=2', 'offer_id'],
    ['/admin/rejection-endpoints?key_hash=abc', 'key_hash'],
  ])('answer 400 naming the field: %s', async (path, field) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.stringContaining(field) });
  });
});

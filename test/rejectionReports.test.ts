// The console's columns of postback_log (advertiser, offer, error, source) filled as the worker applies postbacks,
// the report counts it appends per batch, their compaction, and GET /admin/reports/rejections(.csv) over them.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRejectionRollups, KeyRegistry, OUTCOME_ERRORS, type Outcome, type Postback, type Scope } from '@postback/core';
import { applyRejections, type PostbackToApply } from '../apps/worker/src/applyRejections.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenAdvertiser, givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import type { TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'test-admin-token-rejection-reports';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const served = useAdminApi('rejection_reports', TOKEN);
let t: TestEnvironment;
let api: string;
let redis: Redis;
let registry: KeyRegistry;
let seq = 1000;
/** A rejection URL never revoked, which the postbacks come through unless a test says otherwise. */
let liveUrlId: number;

beforeAll(async () => {
  ({ t, api } = served);
  redis = new Redis(t.cfg.REDIS_URL!);
  registry = new KeyRegistry(redis, t.cfg.QUEUE_PREFIX);
  liveUrlId = (await givenRejectionUrl(served.admin, { advertiserId: (await givenAdvertiser(t.prisma)).id })).id;
});

afterAll(() => {
  redis?.disconnect();
});

/** A postback as the worker takes it off a job: through a rejection URL unless it names a bulk upload. */
function postback(
  scope: Scope,
  transactionId: string,
  reason: string,
  opts: { bulkId?: string; endpointId?: number; receivedAt?: number; replayed?: boolean } = {},
): PostbackToApply {
  const { bulkId, replayed, ...rest } = opts;
  return {
    postback: {
      postbackId: randomUUID(),
      ...(bulkId ? { bulkId } : { endpointId: liveUrlId }),
      scope,
      transactionId,
      reason,
      seq: ++seq,
      receivedAt: Date.now(),
      ...rest,
    } as Postback,
    attempts: 1,
    shard: t.cfg.QUEUE_PREFIX,
    ...(replayed ? { replayed } : {}),
  };
}

const apply = (postbacks: PostbackToApply[]) => applyRejections(t.prisma, postbacks, registry);

async function get(path: string) {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    disposition: res.headers.get('content-disposition'),
    body: type.startsWith('application/json') ? ((await res.json()) as Record<string, unknown>) : await res.text(),
  };
}

async function report(query: Record<string, string | number>) {
  const res = await get(`/admin/reports/rejections?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as Report;
}

interface Report {
  group_by: string;
  bucket: string;
  since: string;
  until: string;
  buckets: string[];
  groups: Array<{ key: string | number; label: string; total: number; share_percent: number }>;
  rows: Array<{ bucket: string; key: string | number; count: number }>;
}

const compact = () => compactRejectionRollups(t.prisma, { retentionDays: t.cfg.POSTBACK_LOG_RETENTION_DAYS });
const deltaRows = () => t.prisma.rejectionRollupDelta.count();

describe('the console columns of postback_log', () => {
  it('are filled for every outcome: the URL\'s advertiser, the conversion\'s offer, why nothing changed, how it came', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const [offer, other] = [await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id)];
    const stranger = await givenOffer(t.prisma);
    const global: Scope = { kind: 'global', advertiserId: advertiser.id, offerId: null };
    const approved = await givenConversion(t.prisma, { offerId: other.id });
    const rejected = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'fraud' });
    const same = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'fraud' });
    const foreign = await givenConversion(t.prisma, { offerId: stranger.id });
    const later = await givenConversion(t.prisma, { offerId: offer.id });
    await t.prisma.conversion.update({ where: { id: later.id }, data: { lastPostbackSeq: seq + 1_000_000 } });
    const revokedUrl = await givenRejectionUrl(served.admin, { advertiserId: advertiser.id });
    const revokedConversion = await givenConversion(t.prisma, { offerId: offer.id });
    // Revoked before any postback of the batch was received (their seqs are all higher).
    await t.prisma.rejectionEndpoint.update({ where: { id: revokedUrl.id }, data: { revokedAt: new Date(), revokedSeq: 1 } });
    const bulkConversion = await givenConversion(t.prisma, { offerId: offer.id });
    const replayedConversion = await givenConversion(t.prisma, { offerId: other.id });

    const batch = [
      postback(global, approved.transactionId, 'bots'),
      postback(global, rejected.transactionId, 'bots'),
      postback(global, same.transactionId, 'fraud'),
      postback(global, `tx-nobody-${randomUUID()}`, 'bots'),
      postback(global, foreign.transactionId, 'bots'),
      postback(global, later.transactionId, 'bots'),
      postback(global, revokedConversion.transactionId, 'bots', { endpointId: revokedUrl.id }),
      postback({ kind: 'offer', advertiserId: advertiser.id, offerId: offer.id }, bulkConversion.transactionId, 'bots', { bulkId: randomUUID() }),
      postback(global, replayedConversion.transactionId, 'bots', { replayed: true }),
    ];
    const { outcomes } = await apply(batch);
    expect(outcomes).toEqual(['rejected', 'reason_updated', 'unchanged', 'not_found', 'out_of_scope', 'superseded', 'revoked', 'rejected', 'rejected']);

    const logged = await t.prisma.postbackLog.findMany({ where: { postbackId: { in: batch.map((p) => p.postback.postbackId) } } });
    const row = (i: number) => {
      const r = logged.find((l) => l.postbackId === batch[i]!.postback.postbackId)!;
      return { advertiser_id: r.advertiserId, offer_id: r.offerId, error: r.error, source: r.source };
    };
    const fromUrl = (offerId: number | null, outcome: Outcome) => ({ advertiser_id: advertiser.id, offer_id: offerId, error: OUTCOME_ERRORS[outcome], source: 'url' });
    // A global URL's postback is logged under the conversion's offer, not under none.
    expect(row(0)).toEqual(fromUrl(other.id, 'rejected'));
    expect(row(0).error).toBeNull();
    expect(row(1)).toEqual(fromUrl(offer.id, 'reason_updated'));
    expect(row(2)).toEqual(fromUrl(offer.id, 'unchanged'));
    expect(row(3)).toEqual(fromUrl(null, 'not_found'));
    // Out of scope: the URL's advertiser (whose URL was used) and the offer of the conversion it named.
    expect(row(4)).toEqual(fromUrl(stranger.id, 'out_of_scope'));
    expect(row(5)).toEqual(fromUrl(offer.id, 'superseded'));
    expect(row(6)).toEqual(fromUrl(offer.id, 'revoked'));
    expect(row(7)).toEqual({ ...fromUrl(offer.id, 'rejected'), source: 'bulk' });
    expect(row(8)).toEqual({ ...fromUrl(other.id, 'rejected'), source: 'replay' });
    for (const outcome of ['unchanged', 'not_found', 'out_of_scope', 'superseded', 'revoked'] as const) {
      expect(OUTCOME_ERRORS[outcome]).toMatch(/^[A-Z].{10,}\.$/);
    }
  });

  it('counts a postback delivered twice once', async () => {
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id });
    const once = postback({ kind: 'offer', advertiserId: offer.advertiserId, offerId: offer.id }, conversion.transactionId, 'twice');
    await apply([once]);
    await apply([once]);
    const rows = await t.prisma.rejectionRollupDelta.findMany({ where: { offerId: offer.id } });
    expect(rows.map((r) => r.count)).toEqual([1]);
  });
});

describe('the rejections report', () => {
  let advertiser: { id: number; name: string };
  let offers: Array<{ id: number; name: string }>;
  // Two days ago and the day before, at fixed hours: inside the default 30 days, within any retention.
  const dayStart = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  const at = (day: number, hour: number) => dayStart + day * DAY + hour * HOUR + 17 * 60_000;
  const since = new Date(dayStart - DAY).toISOString();
  const until = new Date(dayStart + DAY).toISOString();

  beforeAll(async () => {
    advertiser = await givenAdvertiser(t.prisma);
    offers = [await givenOffer(t.prisma, advertiser.id), await givenOffer(t.prisma, advertiser.id)];
    const global: Scope = { kind: 'global', advertiserId: advertiser.id, offerId: null };
    const fresh = async (offerIndex: number) => (await givenConversion(t.prisma, { offerId: offers[offerIndex]!.id })).transactionId;
    // Day −1 (the day before dayStart), hour 9: 3 × fraud on offer 0, 1 × bots on offer 1.
    // Day 0, hour 14: 2 × bots on offer 1, 1 × fraud → reason_updated on offer 0, 1 not found, 1 unchanged.
    const updated = await givenConversion(t.prisma, { offerId: offers[0]!.id, status: 'rejected', rejectedReason: 'bots' });
    const unchanged = await givenConversion(t.prisma, { offerId: offers[0]!.id, status: 'rejected', rejectedReason: 'fraud' });
    // Separate batches, as separate workers' batches would be: each appends deltas of its own.
    await apply([
      postback(global, await fresh(0), 'fraud', { receivedAt: at(-1, 9) }),
      postback(global, await fresh(0), 'fraud', { receivedAt: at(-1, 9) }),
      postback(global, await fresh(1), 'bots', { receivedAt: at(-1, 9) }),
    ]);
    await apply([
      postback(global, await fresh(0), 'fraud', { receivedAt: at(-1, 9) }),
      postback(global, await fresh(1), 'bots', { receivedAt: at(0, 14) }),
      postback(global, await fresh(1), 'bots', { receivedAt: at(0, 14) }),
      postback(global, updated.transactionId, 'fraud', { receivedAt: at(0, 14) }),
      postback(global, `tx-nobody-${randomUUID()}`, 'fraud', { receivedAt: at(0, 14) }),
      postback(global, unchanged.transactionId, 'fraud', { receivedAt: at(0, 14) }),
    ]);
  });

  const byReason = () => report({ group_by: 'reason', since, until, advertiser_id: advertiser.id });
  const day = (d: number) => new Date(dayStart + d * DAY).toISOString();

  it('counts rejections by reason per day, with every day of the range and each reason\'s share', async () => {
    expect(await byReason()).toEqual({
      group_by: 'reason',
      bucket: 'day',
      since,
      until,
      buckets: [day(-1), day(0)],
      groups: [
        { key: 'fraud', label: 'fraud', total: 4, share_percent: 57.14 },
        { key: 'bots', label: 'bots', total: 3, share_percent: 42.86 },
      ],
      rows: [
        { bucket: day(-1), key: 'fraud', count: 3 },
        { bucket: day(-1), key: 'bots', count: 1 },
        { bucket: day(0), key: 'fraud', count: 1 },
        { bucket: day(0), key: 'bots', count: 2 },
      ],
    });
  });

  it('gives the same numbers after the deltas are compacted, and keeps counting batches applied after', async () => {
    const before = await byReason();
    expect(await deltaRows()).toBeGreaterThan(0);
    expect((await compact()).compacted_deltas).toBeGreaterThan(0);
    expect(await deltaRows()).toBe(0);
    expect(await byReason()).toEqual(before);
    const conversion = await givenConversion(t.prisma, { offerId: offers[1]!.id });
    await apply([postback({ kind: 'global', advertiserId: advertiser.id, offerId: null }, conversion.transactionId, 'fraud', { receivedAt: at(0, 15) })]);
    const after = await byReason();
    expect(after.groups).toEqual([
      { key: 'fraud', label: 'fraud', total: 5, share_percent: 62.5 },
      { key: 'bots', label: 'bots', total: 3, share_percent: 37.5 },
    ]);
    await compact();
    expect(await byReason()).toEqual(after);
  });

  it('groups by offer and by advertiser with their names, and by outcome with every outcome', async () => {
    const byOffer = await report({ group_by: 'offer', since, until, advertiser_id: advertiser.id });
    expect(byOffer.groups).toEqual([
      { key: offers[0]!.id, label: `Offer ${offers[0]!.id} ${offers[0]!.name}`, total: 4, share_percent: 50 },
      { key: offers[1]!.id, label: `Offer ${offers[1]!.id} ${offers[1]!.name}`, total: 4, share_percent: 50 },
    ]);
    const byAdvertiser = await report({ group_by: 'advertiser', since, until, advertiser_id: advertiser.id });
    expect(byAdvertiser.groups).toEqual([
      { key: advertiser.id, label: `Advertiser ${advertiser.id} ${advertiser.name}`, total: 8, share_percent: 100 },
    ]);
    const byOutcome = await report({ group_by: 'outcome', since, until, advertiser_id: advertiser.id });
    expect(byOutcome.groups.map((g) => [g.key, g.total])).toEqual([
      ['rejected', 7],
      ['not_found', 1],
      ['reason_updated', 1],
      ['unchanged', 1],
    ]);
    const oneOffer = await report({ group_by: 'reason', since, until, offer_id: offers[1]!.id });
    expect(oneOffer.groups.map((g) => [g.key, g.total])).toEqual([['bots', 3], ['fraud', 1]]);
  });

  it('buckets by hour, every hour of the range, widened to whole hours', async () => {
    const hourly = await report({
      group_by: 'reason',
      bucket: 'hour',
      since: new Date(at(0, 13)).toISOString(),
      until: new Date(at(0, 15)).toISOString(),
      advertiser_id: advertiser.id,
    });
    const hour = (h: number) => new Date(dayStart + h * HOUR).toISOString();
    expect(hourly.since).toBe(hour(13));
    expect(hourly.until).toBe(hour(16));
    expect(hourly.buckets).toEqual([hour(13), hour(14), hour(15)]);
    expect(hourly.rows).toEqual([
      { bucket: hour(14), key: 'bots', count: 2 },
      { bucket: hour(14), key: 'fraud', count: 1 },
      { bucket: hour(15), key: 'fraud', count: 1 },
    ]);
  });

  it('defaults to 30 days of day buckets up to now', async () => {
    const res = await report({ advertiser_id: advertiser.id });
    expect(res).toMatchObject({ group_by: 'reason', bucket: 'day' });
    expect(res.buckets).toHaveLength(31);
    expect(Date.parse(res.until) - Date.parse(res.since)).toBe(31 * DAY);
    expect(res.groups.map((g) => g.total)).toEqual([5, 3]);
  });

  it('exports the rows as CSV with labels', async () => {
    const res = await get(`/admin/reports/rejections.csv?${new URLSearchParams({ group_by: 'offer', since, until, advertiser_id: String(advertiser.id) })}`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    expect(res.disposition).toBe(`attachment; filename="rejections-by-offer-${since.slice(0, 10)}-${until.slice(0, 10)}.csv"`);
    const [o0, o1] = offers.map((o) => `${o.id},Offer ${o.id} ${o.name}`);
    expect(res.body).toBe(
      ['bucket,key,label,count', `${day(-1)},${o0},3`, `${day(-1)},${o1},1`, `${day(0)},${o0},1`, `${day(0)},${o1},3`, ''].join('\n'),
    );
  });

  it('quotes a reason a spreadsheet would take for a formula', async () => {
    const offer = await givenOffer(t.prisma);
    const conversion = await givenConversion(t.prisma, { offerId: offer.id });
    await apply([postback({ kind: 'offer', advertiserId: offer.advertiserId, offerId: offer.id }, conversion.transactionId, '=HYPERLINK("x"), bad', { receivedAt: at(0, 3) })]);
    const res = await get(`/admin/reports/rejections.csv?${new URLSearchParams({ since, until, offer_id: String(offer.id) })}`);
    expect(res.body).toBe(`bucket,key,label,count\n${day(0)},"'=HYPERLINK(""x""), bad","'=HYPERLINK(""x""), bad",1\n`);
  });
});

describe('concurrent batches', () => {
  it('never wait on each other for the counts, nor on a compaction, and every count lands once', async () => {
    const offer = await givenOffer(t.prisma);
    const scope: Scope = { kind: 'offer', advertiserId: offer.advertiserId, offerId: offer.id };
    const receivedAt = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const [first, second] = [await givenConversion(t.prisma, { offerId: offer.id }), await givenConversion(t.prisma, { offerId: offer.id })];
    const firstBatch = [postback(scope, first.transactionId, 'fraud', { receivedAt })];
    // The other worker's batch: its statement has run (its delta for the same key appended), not yet committed.
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO rejection_rollup_deltas (hour, advertiser_id, offer_id, reason, outcome, count)
         VALUES (to_timestamp($1 / 1000.0), $2, $3, 'fraud', 'rejected', 1)`,
        [receivedAt, offer.advertiserId, offer.id],
      );
      // Both finish while the other batch holds its transaction open: nothing they write is a row it holds.
      expect((await apply(firstBatch)).outcomes).toEqual(['rejected']);
      expect((await compact()).skipped).toBe(false);
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
    await Promise.all([
      apply([postback(scope, second.transactionId, 'fraud', { receivedAt })]),
      ...Array.from({ length: 4 }, async () => {
        const c = await givenConversion(t.prisma, { offerId: offer.id });
        return apply([postback(scope, c.transactionId, 'fraud', { receivedAt })]);
      }),
    ]);
    // Two compactions at once: one folds, the other leaves it to the first; none counts a delta twice.
    await Promise.all([compact(), compact()]);
    await compact();
    const res = await report({ group_by: 'offer', bucket: 'hour', since: new Date(receivedAt).toISOString(), until: new Date(receivedAt + HOUR).toISOString(), offer_id: offer.id });
    expect(res.rows).toEqual([{ bucket: new Date(receivedAt).toISOString(), key: offer.id, count: 7 }]);
    expect(await t.prisma.rejectionRollupHourly.count({ where: { offerId: offer.id } })).toBe(1);
    expect(await t.prisma.rejectionRollupDaily.count({ where: { offerId: offer.id } })).toBe(1);
  });
});

describe('rollup retention', () => {
  it('deletes the rollups of hours past the log retention', async () => {
    const offer = await givenOffer(t.prisma);
    const retention = t.cfg.POSTBACK_LOG_RETENTION_DAYS;
    for (const daysAgo of [retention + 2, retention - 2]) {
      const conversion = await givenConversion(t.prisma, { offerId: offer.id });
      await apply([
        postback({ kind: 'offer', advertiserId: offer.advertiserId, offerId: offer.id }, conversion.transactionId, 'old', {
          receivedAt: Date.now() - daysAgo * DAY,
        }),
      ]);
    }
    const result = await compact();
    expect(result.pruned_rollups).toBeGreaterThanOrEqual(1);
    const kept = await t.prisma.rejectionRollupHourly.findMany({ where: { offerId: offer.id } });
    expect(kept).toHaveLength(1);
    expect(Date.now() - kept[0]!.hour.getTime()).toBeLessThan(retention * DAY);
    const keptDays = await t.prisma.rejectionRollupDaily.findMany({ where: { offerId: offer.id } });
    expect(keptDays.map((d) => d.day)).toEqual([new Date(Math.floor(kept[0]!.hour.getTime() / DAY) * DAY)]);
  });
});

describe('a bad report query', () => {
  it.each([
    ['group_by=week', 'group_by'],
    ['bucket=minute', 'bucket'],
    ['since=yesterday', 'since'],
    ['until=2026-13-01', 'until'],
    ['since=2026-06-02&until=2026-06-01', 'until'],
    ['since=2025-01-01&until=2026-06-01', 'since'],
    ['bucket=hour&since=2026-05-01&until=2026-06-05', 'bucket'],
    ['advertiser_id=abc', 'advertiser_id'],
    ['offer_id=0', 'offer_id'],
    ['group_by=reason&grup_by=offer', 'grup_by'],
  ])('%s → 400 naming %s', async (query, field) => {
    for (const path of ['/admin/reports/rejections', '/admin/reports/rejections.csv']) {
      const res = await get(`${path}?${query}`);
      expect(res.status).toBe(400);
      const error = (res.body as { error: string }).error;
      // A field's own error starts with its name; an unknown parameter is named in zod's "Unrecognized key" message.
      if (field === 'grup_by') expect(error).toContain('"grup_by"');
      else expect(error).toMatch(new RegExp(`^${field}:`));
    }
  });
});

import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../apps/worker/src/workerProcess.js';
import { createBulkRejections, type BulkRejections } from '../apps/admin/src/bulk/bulkRejections.js';
import type { BulkRecordWithInvalid } from '../apps/admin/src/bulk/bulkRecords.js';
import { createBulkRunner, type BulkRunner } from '../apps/admin/src/bulk/bulkRunner.js';
import { givenAdvertiser, givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import {
  connectAdminDeps,
  sendPostback,
  serveAdminApi,
  startInProcessWorker,
  startReceiver,
  type AdminHandle,
  type RunningReceiver,
} from './helpers/pipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'bulk-rejections-admin-token-0123456789';

let t: TestEnvironment;
let admin: AdminHandle;
let bulk: BulkRejections;
// The admin's background runner, apart from the API's uploads, so a test can hold it off and queue by hand.
let background: BulkRunner;
let api: string;
let closeApi: () => Promise<void>;
let worker: WorkerProcess;
let receiver: RunningReceiver;

beforeAll(async () => {
  t = await createTestEnvironment('bulk_rejections', { BULK_REJECTIONS_PER_SECOND: '20000' });
  admin = connectAdminDeps(t.cfg);
  bulk = createBulkRejections(admin);
  background = createBulkRunner(admin, { pollMs: 100 });
  background.start();
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN, { bulk }));
  worker = startInProcessWorker(t.cfg);
  receiver = await startReceiver(t.cfg);
});

afterAll(async () => {
  await receiver?.stop();
  await worker?.close();
  await background?.close();
  await closeApi?.();
  await admin?.close();
  await t?.teardown();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function upload(query: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${api}/admin/rejections/bulk?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function call(method: string, path: string): Promise<Answer> {
  const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const record = async (id: unknown, query = '') => (await call('GET', `/admin/rejections/bulk/${id}${query}`)).body as unknown as BulkRecordWithInvalid;

/** Waits until the upload has left running and applying: every queued row applied, or a dry run done. */
async function finished(id: unknown): Promise<BulkRecordWithInvalid> {
  return eventually(async () => {
    const r = await record(id);
    return r.status !== 'running' && r.status !== 'applying' && r;
  }, 30_000, `upload ${id} to finish`);
}

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const ndjson = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');
/** Stops the background runner: uploads stay staged until a test's own runner, or the background one again, queues them. */
const holdBackground = () => background.close();
function resumeBackground(): void {
  background = createBulkRunner(admin, { pollMs: 100 });
  background.start();
}

const conversionOf = (transactionId: string) => t.prisma.conversion.findUniqueOrThrow({ where: { transactionId } });
const uploadsCount = () => t.prisma.bulkRejection.count();

describe('a bulk rejection upload', () => {
  it('applies a CSV with a reason per row through the queue and the worker, one log row and one history row per change', async () => {
    const offer = await givenOffer(t.prisma);
    const approved = await givenConversion(t.prisma, { offerId: offer.id });
    const other = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'old' });
    const same = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'fraud' });

    const answer = await upload(
      `advertiser_id=${offer.advertiserId}`,
      csv('transaction_id,reason', `${approved.transactionId},fraud`, `${other.transactionId},chargeback`, `${same.transactionId},fraud`, 'no-such-tx,fraud'),
      { 'x-operator': 'fraud-team' },
    );

    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe(`/admin/rejections/bulk/${answer.body.id}`);
    expect(answer.body).toMatchObject({ rows: 4, invalid_count: 0, dry_run: false, scope: 'global', created_by: 'fraud-team' });
    const done = await finished(answer.body.id);
    expect(done).toMatchObject({
      status: 'completed', rows: 4, queued: 4, applied: 4, invalid: [],
      outcomes: { rejected: 1, reason_updated: 1, unchanged: 1, not_found: 1, out_of_scope: 0, superseded: 0 },
    });
    expect(done.finished_at).not.toBeNull();
    expect(await conversionOf(approved.transactionId)).toMatchObject({ status: 'rejected', rejectedReason: 'fraud' });
    expect(await conversionOf(other.transactionId)).toMatchObject({ status: 'rejected', rejectedReason: 'chargeback' });
    const history = await t.prisma.conversionStatusHistory.findMany({ where: { conversionId: { in: [approved.id, other.id, same.id] } } });
    expect(history).toHaveLength(2);
    const log = await t.prisma.postbackLog.findMany({ where: { bulkId: answer.body.id as string } });
    expect(log).toHaveLength(4);
    expect(log.every((r) => r.endpointId === null)).toBe(true);
  });

  it('takes NDJSON with the upload reason for the rows that give none', async () => {
    const offer = await givenOffer(t.prisma);
    const a = await givenConversion(t.prisma, { offerId: offer.id });
    const b = await givenConversion(t.prisma, { offerId: offer.id });

    const answer = await upload(
      `offer_id=${offer.id}&reason=chargeback`,
      ndjson({ transaction_id: a.transactionId }, { transaction_id: b.transactionId, reason: 'duplicate' }),
      { 'content-type': 'application/x-ndjson' },
    );

    expect(answer.status).toBe(202);
    expect(await finished(answer.body.id)).toMatchObject({ status: 'completed', scope: 'offer', offer_id: offer.id, reason: 'chargeback', applied: 2 });
    expect((await conversionOf(a.transactionId)).rejectedReason).toBe('chargeback');
    expect((await conversionOf(b.transactionId)).rejectedReason).toBe('duplicate');
  });

  it('leaves a conversion outside the scope alone: out_of_scope, for an offer-level and an advertiser-wide upload', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const offer = await givenOffer(t.prisma, advertiser.id);
    const sibling = await givenOffer(t.prisma, advertiser.id);
    const elsewhere = await givenOffer(t.prisma);
    const inOffer = await givenConversion(t.prisma, { offerId: offer.id });
    const inSibling = await givenConversion(t.prisma, { offerId: sibling.id });
    const ofAnother = await givenConversion(t.prisma, { offerId: elsewhere.id });

    const byOffer = await upload(`offer_id=${offer.id}&reason=fraud`, csv('transaction_id', inOffer.transactionId, inSibling.transactionId));
    expect(await finished(byOffer.body.id)).toMatchObject({ outcomes: { rejected: 1, out_of_scope: 1 } });
    expect((await conversionOf(inSibling.transactionId)).status).toBe('approved');

    const byAdvertiser = await upload(`advertiser_id=${advertiser.id}&reason=fraud`, csv('transaction_id', inSibling.transactionId, ofAnother.transactionId));
    expect(await finished(byAdvertiser.body.id)).toMatchObject({ outcomes: { rejected: 1, out_of_scope: 1 } });
    expect((await conversionOf(ofAnother.transactionId)).status).toBe('approved');
  });

  it('in a dry run changes nothing, queues nothing, and counts what would happen by outcome', async () => {
    const advertiser = await givenAdvertiser(t.prisma);
    const offer = await givenOffer(t.prisma, advertiser.id);
    const approved = await givenConversion(t.prisma, { offerId: offer.id });
    const rejected = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'old' });
    const same = await givenConversion(t.prisma, { offerId: offer.id, status: 'rejected', rejectedReason: 'fraud' });
    const outside = await givenConversion(t.prisma, { offerId: (await givenOffer(t.prisma)).id });
    const before = await t.prisma.conversion.findMany({ orderBy: { id: 'asc' } });

    const answer = await upload(
      `advertiser_id=${advertiser.id}&reason=fraud&dry_run=true`,
      csv('transaction_id', approved.transactionId, rejected.transactionId, same.transactionId, outside.transactionId, 'nobody'),
    );

    expect(answer.status).toBe(202);
    expect(await finished(answer.body.id)).toMatchObject({
      status: 'completed', dry_run: true, rows: 5, queued: 0, applied: 0,
      outcomes: { rejected: 1, reason_updated: 1, unchanged: 1, not_found: 1, out_of_scope: 1, superseded: 0 },
    });
    expect(await t.prisma.conversion.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await t.prisma.postbackLog.count({ where: { bulkId: answer.body.id as string } })).toBe(0);
    expect((await t.prisma.bulkRejection.findUniqueOrThrow({ where: { id: answer.body.id as string } })).firstSeq).toBeNull();
  });

  it('reports each bad row with its line and why, and still applies the good ones', async () => {
    const offer = await givenOffer(t.prisma);
    const good = await givenConversion(t.prisma, { offerId: offer.id });
    const repeated = await givenConversion(t.prisma, { offerId: offer.id });
    const file = Buffer.concat([
      Buffer.from(csv(
        'transaction_id,reason',
        `${good.transactionId},fraud`, // 2
        ',fraud', // 3
        `${'x'.repeat(129)},fraud`, // 4
        `${repeated.transactionId},${'r'.repeat(256)}`, // 5
        `${repeated.transactionId},dup`, // 6
        `${repeated.transactionId},again`, // 7
        'one,two,three', // 8
        'tx,"unclosed', // 9
        '', // 10: blank, no row
      )),
      Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2c, 0x72, 0x0a]), // 11: "bad\xff,r"
      Buffer.from(csv(`${good.transactionId}-2,`)), // 12: no reason, none for the upload
    ]);

    const answer = await upload(`offer_id=${offer.id}`, file);

    expect(answer.status).toBe(202);
    const done = await finished(answer.body.id);
    expect(done).toMatchObject({ rows: 10, invalid_count: 8, queued: 2, applied: 2, outcomes: { rejected: 2 } });
    expect(done.invalid).toEqual([
      { line: 3, error: 'transaction_id is missing' },
      { line: 4, error: 'transaction_id is longer than 128 characters' },
      { line: 5, error: 'reason is longer than 255 characters' },
      { line: 7, error: 'transaction_id repeats line 6 (the first copy counts)' },
      { line: 8, error: 'has 3 fields; the header has 2' },
      { line: 9, error: 'a quoted field is not closed on its line' },
      { line: 11, error: 'transaction_id is not valid UTF-8' },
      { line: 12, error: 'reason is missing (give one in the row, or reason= for the whole upload)' },
    ]);
    expect((await conversionOf(good.transactionId)).rejectedReason).toBe('fraud');
    expect((await conversionOf(repeated.transactionId)).rejectedReason).toBe('dup');

    // The invalid rows page by line.
    const first = await record(answer.body.id, '?limit=3');
    expect(first.invalid.map((r) => r.line)).toEqual([3, 4, 5]);
    const second = await record(answer.body.id, `?limit=3&invalid_cursor=${first.next_invalid_cursor}`);
    expect(second.invalid.map((r) => r.line)).toEqual([7, 8, 9]);
    expect((await record(answer.body.id, `?limit=3&invalid_cursor=${second.next_invalid_cursor}`)).next_invalid_cursor).toBeNull();
  });

  it.each([
    ['no header', 'advertiser_id=ADV', csv('tx-1,fraud'), 'text/csv', 400, /header/],
    ['a header with another column', 'advertiser_id=ADV', csv('transaction_id,status'), 'text/csv', 400, /column/],
    ['an empty file', 'advertiser_id=ADV&reason=r', '', 'text/csv', 400, /empty/],
    ['a header and no rows', 'advertiser_id=ADV&reason=r', csv('transaction_id'), 'text/csv', 400, /no rows/],
    ['no reason anywhere (CSV)', 'advertiser_id=ADV', csv('transaction_id', 'tx-1'), 'text/csv', 400, /no reason/],
    ['no reason anywhere (NDJSON)', 'advertiser_id=ADV', ndjson({ transaction_id: 'tx-1' }), 'application/x-ndjson', 400, /no reason/],
    ['both scopes', 'advertiser_id=ADV&offer_id=1&reason=r', csv('transaction_id', 'tx'), 'text/csv', 400, /exactly one/],
    ['no scope', 'reason=r', csv('transaction_id', 'tx'), 'text/csv', 400, /exactly one/],
    ['an unknown advertiser', 'advertiser_id=2147483647&reason=r', csv('transaction_id', 'tx'), 'text/csv', 404, /advertiser 2147483647 not found/],
    ['an unknown offer', 'offer_id=2147483647&reason=r', csv('transaction_id', 'tx'), 'text/csv', 404, /offer 2147483647 not found/],
    ['JSON', 'advertiser_id=ADV&reason=r', '{"transaction_id":"tx"}', 'application/json', 415, /text\/csv/],
    ['another charset', 'advertiser_id=ADV&reason=r', csv('transaction_id', 'tx'), 'text/csv; charset=latin1', 415, /UTF-8/],
    ['an unknown parameter', 'advertiser_id=ADV&reason=r&status=x', csv('transaction_id', 'tx'), 'text/csv', 400, /status/],
  ])('refuses %s as a whole, staging nothing', async (_what, query, body, type, status, error) => {
    const advertiser = await givenAdvertiser(t.prisma);
    const before = await uploadsCount();
    const answer = await upload(query.replace('ADV', String(advertiser.id)), body, { 'content-type': type });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatch(error);
    expect(await uploadsCount()).toBe(before);
    expect(await t.prisma.bulkRejectionRow.count({ where: { bulk: { advertiserId: advertiser.id } } })).toBe(0);
  });

  it('answers an upload with the same Idempotency-Key from the same operator with the first one, not a second', async () => {
    const offer = await givenOffer(t.prisma);
    const c = await givenConversion(t.prisma, { offerId: offer.id });
    const file = csv('transaction_id', c.transactionId);
    const headers = { 'idempotency-key': `chargebacks-${c.id}`, 'x-operator': 'ana' };

    const first = await upload(`offer_id=${offer.id}&reason=fraud`, file, headers);
    const again = await upload(`offer_id=${offer.id}&reason=fraud`, file, headers);
    const otherOperator = await upload(`offer_id=${offer.id}&reason=fraud`, file, { ...headers, 'x-operator': 'bo' });
    const otherScope = await upload(`advertiser_id=${offer.advertiserId}&reason=fraud`, file, headers);

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(otherOperator.status).toBe(202);
    expect(otherOperator.body.id).not.toBe(first.body.id);
    expect(otherScope.status).toBe(409);
    expect(await t.prisma.bulkRejection.count({ where: { idempotencyKey: headers['idempotency-key'] } })).toBe(2);
    await finished(first.body.id);
    await finished(otherOperator.body.id);
    // Each upload applied its row: the second one found it rejected already.
    expect(await t.prisma.postbackLog.count({ where: { transactionId: c.transactionId } })).toBe(2);
  });

  it('lists uploads newest first, and audits the upload and the cancel', async () => {
    const offer = await givenOffer(t.prisma);
    const answer = await upload(`offer_id=${offer.id}&reason=fraud`, csv('transaction_id', 'listed-tx'), { 'x-operator': 'auditor' });
    await finished(answer.body.id);
    const { body } = await call('GET', '/admin/rejections/bulk?limit=1');
    expect((body.bulk_rejections as Array<{ id: string }>).map((r) => r.id)).toEqual([answer.body.id]);
    const cancel = await call('POST', `/admin/rejections/bulk/${answer.body.id}/cancel`);
    // Finished already: nothing to cancel, nothing recorded.
    expect(cancel.body).toMatchObject({ status: 'completed', cancel_requested: false });
    const audit = await t.prisma.adminAudit.findMany({ where: { target: answer.body.id as string } });
    expect(audit.map((a) => [a.action, a.operator])).toEqual([['bulk_rejection.upload', 'auditor']]);
  });
});

describe('receipt order', () => {
  it('lets a live postback received after the upload was staged win over its row for the same conversion', async () => {
    const offer = await givenOffer(t.prisma);
    const { key } = await givenRejectionUrl(admin, { offerId: offer.id });
    const c = await givenConversion(t.prisma, { offerId: offer.id });
    // Nothing queues the upload's row until the live postback, received after the upload, is applied.
    await holdBackground();
    const staged = (await upload(`offer_id=${offer.id}&reason=bulk-fraud`, csv('transaction_id', c.transactionId))).body as unknown as BulkRecordWithInvalid;
    expect(staged.status).toBe('running');

    const live = await sendPostback(receiver.baseUrl, { key, transaction_id: c.transactionId, new_rejected_reason: 'live-reason' });
    expect(live.status).toBe(202);
    await eventually(async () => (await conversionOf(c.transactionId)).rejectedReason === 'live-reason');

    resumeBackground();
    expect(await finished(staged.id)).toMatchObject({ applied: 1, outcomes: { superseded: 1 } });
    expect((await conversionOf(c.transactionId)).rejectedReason).toBe('live-reason');
  });
});

describe('cancel', () => {
  it('stops queuing before the next chunk; the rows queued still apply and no other does', async () => {
    const offer = await givenOffer(t.prisma);
    const rows = 400;
    await t.prisma.conversion.createMany({ data: Array.from({ length: rows }, (_, i) => ({ transactionId: `cancel-${offer.id}-${i}`, offerId: offer.id, status: 'approved' as const })) });
    // A slow admin of its own: 100 rows a second, 10 per chunk.
    await holdBackground();
    const slow = createBulkRejections({ ...admin, cfg: { ...admin.cfg, BULK_REJECTIONS_PER_SECOND: 100 } }, { pollMs: 50 });
    const { record: staged } = await slow.upload(
      { query: { offer_id: String(offer.id), reason: 'fraud' }, contentType: 'text/csv', contentEncoding: undefined, idempotencyKey: undefined, body: bodyOf(csv('transaction_id', ...Array.from({ length: rows }, (_, i) => `cancel-${offer.id}-${i}`))) },
      'test',
    );
    const working = slow.runner.work(staged.id);
    await eventually(async () => (await record(staged.id)).queued > 0);

    const cancelled = await call('POST', `/admin/rejections/bulk/${staged.id}/cancel`);
    expect(cancelled.body).toMatchObject({ cancel_requested: true });
    await working;
    resumeBackground();

    const after = await record(staged.id);
    expect(after.status).toBe('cancelled');
    expect(after.queued).toBeGreaterThan(0);
    expect(after.queued).toBeLessThan(rows);
    await eventually(async () => (await record(staged.id)).applied === after.queued);
    expect(await t.prisma.conversion.count({ where: { offerId: offer.id, status: 'rejected' } })).toBe(after.queued);
    expect(await t.prisma.bulkRejectionRow.count({ where: { bulkId: staged.id } })).toBe(0);
    expect((await t.prisma.adminAudit.findMany({ where: { target: staged.id } })).map((a) => a.action)).toEqual(['bulk_rejection.cancel']);
  });
});

describe('an interrupted run', () => {
  it('goes on where it stopped, in this admin or another, and applies every row once, even a chunk queued again', async () => {
    const offer = await givenOffer(t.prisma);
    const rows = 300;
    const txs = Array.from({ length: rows }, (_, i) => `resume-${offer.id}-${i}`);
    await t.prisma.conversion.createMany({ data: txs.map((transactionId) => ({ transactionId, offerId: offer.id, status: 'approved' as const })) });
    const slowDeps = { ...admin, cfg: { ...admin.cfg, BULK_REJECTIONS_PER_SECOND: 200 } };
    await holdBackground();
    const first = createBulkRejections(slowDeps);
    const { record: staged } = await first.upload(
      { query: { offer_id: String(offer.id), reason: 'fraud' }, contentType: 'text/csv', contentEncoding: undefined, idempotencyKey: undefined, body: bodyOf(csv('transaction_id', ...txs)) },
      'test',
    );
    const working = first.runner.work(staged.id);
    await eventually(async () => (await record(staged.id)).queued >= 100);
    // A shutdown: the upload is let go where it stands.
    await first.runner.close();
    await working;
    const stopped = await t.prisma.bulkRejection.findUniqueOrThrow({ where: { id: staged.id } });
    expect(stopped).toMatchObject({ status: 'running', leaseOwner: null });
    expect(stopped.queued).toBeLessThan(rows);
    // As if it had died between queuing its last chunk (20 rows at 200/s) and recording it: on resume that chunk is
    // queued again, at the time written ahead for it, which its rows, applied meanwhile, carry as received_at.
    const chunk = 20;
    const lastRow = txs[stopped.queuedThroughLine - 2]!;
    const lastApplied = await eventually(() => t.prisma.postbackLog.findFirst({ where: { bulkId: staged.id, transactionId: lastRow } }).then((r) => r ?? undefined));
    await t.prisma.bulkRejection.update({
      where: { id: staged.id },
      data: {
        queued: stopped.queued - chunk,
        queuedThroughLine: stopped.queuedThroughLine - chunk,
        queuingThroughLine: stopped.queuedThroughLine,
        queuingAt: lastApplied.receivedAt,
      },
    });

    const second = createBulkRejections(slowDeps);
    await second.runner.work(staged.id);
    await second.runner.close();
    resumeBackground();
    const done = await finished(staged.id);
    expect(done).toMatchObject({ status: 'completed', queued: rows, applied: rows, outcomes: { rejected: rows } });
    expect(await t.prisma.postbackLog.count({ where: { bulkId: staged.id } })).toBe(rows);
    const conversionsOfOffer = await t.prisma.conversion.findMany({ where: { offerId: offer.id }, select: { id: true } });
    expect(await t.prisma.conversionStatusHistory.count({ where: { conversionId: { in: conversionsOfOffer.map((c) => c.id) } } })).toBe(rows);
  });
});

function bodyOf(text: string) {
  return Readable.from([Buffer.from(text)]);
}

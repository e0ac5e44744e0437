import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkerProcess } from '../apps/worker/src/workerProcess.js';
import { createBulkRejections, type BulkRejections } from '../apps/admin/src/bulk/bulkRejections.js';
import type { BulkRecordWithInvalid } from '../apps/admin/src/bulk/bulkRecords.js';
import { givenOffer } from './helpers/fixtures.js';
import { connectAdminDeps, serveAdminApi, startInProcessWorker, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

// A file of 200,000 rows through the real path: streamed upload, COPY into staging, queued in the background through
// the postback shards, applied by the worker. Every row is accounted for: applied with an outcome, or invalid.

const TOKEN = 'bulk-large-admin-token-0123456789';
const ROWS = 200_000;
// Of them: rows too long, rows whose transaction id the file names again at its end, rows for conversions that do
// not exist; the rest name each remaining conversion once.
const UNKNOWN = 1000;
const REPEATS = 50;
const TOO_LONG = 25;

let t: TestEnvironment;
let admin: AdminHandle;
let bulk: BulkRejections;
let api: string;
let closeApi: () => Promise<void>;
let worker: WorkerProcess;

beforeAll(async () => {
  t = await createTestEnvironment('bulk_rejections_large', { BULK_REJECTIONS_PER_SECOND: '100000' });
  admin = connectAdminDeps(t.cfg);
  bulk = createBulkRejections(admin, { pollMs: 1000 });
  bulk.runner.start();
  ({ baseUrl: api, close: closeApi } = await serveAdminApi(admin, TOKEN, { bulk }));
  worker = startInProcessWorker(t.cfg);
});

afterAll(async () => {
  await worker?.close();
  await bulk?.runner.close();
  await closeApi?.();
  await admin?.close();
  await t?.teardown();
});

/** The file, line by line as it is sent: never built whole. Line 1 is the header, so row i is on line i + 2. */
function* fileLines(existing: number): Generator<string> {
  yield 'transaction_id,reason\n';
  for (let i = 0; i < ROWS; i += 1) {
    if (i < TOO_LONG) yield `${'x'.repeat(200)},fraud\n`;
    else if (i < TOO_LONG + REPEATS) yield `large-${i - TOO_LONG},repeat\n`;
    else if (i < TOO_LONG + REPEATS + UNKNOWN) yield `unknown-${i},fraud\n`;
    else yield `large-${i % existing},${i % 3 === 0 ? 'chargeback' : 'fraud'}\n`;
  }
}

it('applies a 200,000-row file through the real queue and worker, every row accounted for', async () => {
  const offer = await givenOffer(t.prisma);
  const existing = ROWS - UNKNOWN - REPEATS - TOO_LONG;
  await t.prisma.$executeRaw`
    INSERT INTO conversions (transaction_id, offer_id, status)
    SELECT 'large-' || i, ${offer.id}, 'approved' FROM generate_series(0, ${existing - 1}) AS i`;

  const body = Readable.toWeb(Readable.from(fileLines(existing), { objectMode: false })) as ReadableStream;
  const res = await fetch(`${api}/admin/rejections/bulk?offer_id=${offer.id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
    body,
    duplex: 'half',
  } as RequestInit);
  const staged = (await res.json()) as BulkRecordWithInvalid;
  expect(res.status).toBe(202);
  expect(staged).toMatchObject({ rows: ROWS, invalid_count: TOO_LONG + REPEATS });

  // Followed as an operator would, once a second: each look counts the upload's postback_log rows.
  const look = async () =>
    (await (await fetch(`${api}/admin/rejections/bulk/${staged.id}?limit=1000`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as BulkRecordWithInvalid;
  let done = await look();
  for (const deadline = Date.now() + 120_000; done.status !== 'completed' && Date.now() < deadline; done = await look()) await sleep(1000);

  const valid = ROWS - TOO_LONG - REPEATS;
  expect(done).toMatchObject({
    status: 'completed',
    rows: ROWS,
    invalid_count: TOO_LONG + REPEATS,
    queued: valid,
    applied: valid,
    outcomes: { rejected: existing, reason_updated: 0, unchanged: 0, not_found: UNKNOWN, out_of_scope: 0, superseded: 0 },
  });
  expect(done.invalid).toHaveLength(TOO_LONG + REPEATS);
  expect(done.invalid.slice(0, TOO_LONG).every((r, i) => r.line === i + 2 && r.error === 'transaction_id is longer than 128 characters')).toBe(true);
  // large-0… first come as the repeat rows (lines 27…), then again at the end of the file, where they are refused.
  expect(done.invalid[TOO_LONG]).toEqual({ line: existing + 2, error: `transaction_id repeats line ${TOO_LONG + 2} (the first copy counts)` });
  expect(await t.prisma.postbackLog.count({ where: { bulkId: staged.id } })).toBe(valid);
  expect(await t.prisma.conversion.count({ where: { offerId: offer.id, status: 'rejected' } })).toBe(existing);
  expect(await t.prisma.bulkRejectionRow.count({ where: { bulkId: staged.id } })).toBe(TOO_LONG + REPEATS);
}, 150_000);

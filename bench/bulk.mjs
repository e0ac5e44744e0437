// Bulk rejections: rows per second from the start of an upload to its last row applied, through the admin process
// (streamed upload, COPY into staging, queued in the background) and one worker process. Run within `npm run bench`,
// or alone with `npm run bench -- --bulk` (results in bench/results-bulk.json).
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import pg from 'pg';
import { databaseUrl, dropAll, seed } from './seed.mjs';
import { freePort, startApp, waitForHttp } from './services.mjs';

const TOKEN = 'bench-bulk-admin-token-0123456789';
// The cap at its highest, so the figure is what the pipeline does, not the cap (1000/s by default).
const RATE = 100_000;
// Offer 1 (advertiser 1) of the seeded ones: the upload's scope; its rows are conversions of their own.
const OFFER = 1;

/**
 * Uploads `rows` rows (one per conversion bulk-0 … bulk-N-1, added here to offer 1, approved) as a CSV streamed to a
 * fresh admin process, while a fresh worker process applies what it queues. Needs the bench database seeded (its
 * offers), and no other worker running.
 */
export async function benchBulk({ quick, env, log }) {
  const rows = quick ? 20_000 : 200_000;
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  const apps = [];
  try {
    await db.query(
      `INSERT INTO conversions (transaction_id, offer_id, status) SELECT 'bulk-' || i, $1, 'approved' FROM generate_series(0, $2::int - 1) AS i`,
      [OFFER, rows],
    );
    const port = await freePort();
    const admin = startApp('admin', { ...env, ADMIN_PORT: String(port), ADMIN_HOST: '127.0.0.1', ADMIN_TOKEN: TOKEN, BULK_REJECTIONS_PER_SECOND: String(RATE) });
    apps.push(admin, startApp('worker', env));
    const api = `http://127.0.0.1:${port}`;
    await waitForHttp(`${api}/healthz`);

    log(`bulk: uploading ${rows} rows`);
    const started = Date.now();
    const res = await fetch(`${api}/admin/rejections/bulk?offer_id=${OFFER}&reason=bench-fraud`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(Readable.from(csvLines(rows))),
      duplex: 'half',
    });
    const staged = await res.json();
    if (res.status !== 202) throw new Error(`bulk upload answered ${res.status}: ${JSON.stringify(staged)}`);
    const stagedSeconds = (Date.now() - started) / 1000;
    log(`bulk: staged in ${stagedSeconds.toFixed(1)} s, following`);
    let record = staged;
    while (record.status !== 'completed') {
      if (record.status === 'failed' || record.status === 'cancelled') throw new Error(`bulk upload ${record.status}: ${record.error}`);
      await new Promise((r) => setTimeout(r, 1000));
      record = await (await fetch(`${api}/admin/rejections/bulk/${staged.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    }
    // From the upload's first byte to the last row's commit (Postgres's clock, on this machine too); and, measured as
    // the live drain is, from the first row's commit to the last.
    const { rows: [span] } = await db.query(
      'SELECT extract(epoch FROM min(processed_at)) AS first, extract(epoch FROM max(processed_at)) AS last FROM postback_log WHERE bulk_id = $1',
      [staged.id],
    );
    const seconds = Number(span.last) - started / 1000;
    return {
      bulk_rows: rows,
      bulk_rows_applied: record.applied,
      bulk_rate_cap: RATE,
      bulk_staged_seconds: round(stagedSeconds, 1),
      bulk_seconds_to_all_applied: round(seconds, 1),
      bulk_rows_per_s: Math.round(rows / seconds),
      bulk_apply_per_s: Math.round(rows / (Number(span.last) - Number(span.first))),
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    await db.end();
  }
}

function* csvLines(rows) {
  yield 'transaction_id\n';
  for (let i = 0; i < rows; i += 1000) {
    let chunk = '';
    for (let j = i; j < Math.min(i + 1000, rows); j++) chunk += `bulk-${j}\n`;
    yield chunk;
  }
}

/** The bulk figures as rows of the bench's table. */
export function bulkRows(r) {
  if (r.bulk_rows_per_s === undefined) return [];
  const drain = r.drain_per_s === undefined ? '' : ` (live drain: ${r.drain_per_s} postbacks/s)`;
  return [
    ['Bulk rejections: upload to applied (1 worker)', `${r.bulk_rows_per_s} rows/s`, `${r.bulk_rows} rows, staged in ${r.bulk_staged_seconds} s`],
    ['Bulk rejections: first to last applied', `${r.bulk_apply_per_s} rows/s`, `as the drain is measured${drain}`],
  ];
}

/** `--bulk`: only this phase, on a database of its own seeded with the offers and nothing else. */
export async function bulkAlone({ quick, env, log, printRows }) {
  try {
    await seed(0);
    const results = { quick, ...(await benchBulk({ quick, env, log })) };
    writeFileSync(new URL('./results-bulk.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
    printRows(`Bulk rejections benchmark (${quick ? 'quick' : 'full'}): ${results.bulk_rows} rows, cap ${RATE}/s`, bulkRows(results), 'bench/results-bulk.json');
  } finally {
    await dropAll();
  }
}

const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;

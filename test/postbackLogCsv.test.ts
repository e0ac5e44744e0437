import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parse } from 'csv-parse/sync';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerPostbackLogCsv } from '../apps/admin/src/postbackLogCsvRoute.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { silent } from './helpers/pipeline.js';
import { eventually, type TestEnvironment } from './helpers/testEnvironment.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'test-admin-token-postback-csv';
const BASE = Date.parse('2026-03-01T12:00:00.000Z');
const served = useAdminApi('pb_log_csv', TOKEN);
let t: TestEnvironment;
let api: string;

beforeAll(() => {
  ({ t, api } = served);
});

const auth = { authorization: `Bearer ${TOKEN}` };

/**
 * `count` log rows received one second apart from BASE (several days for a large count), generated in SQL;
 * advertiser 1 + i % 3, offer 10 + i % 5, outcome rejected or (every fourth) not_found, processed i % 1000 ms later.
 */
async function givenLog(count: number, opts: { reason?: string; txPad?: number } = {}) {
  await t.prisma.postbackLog.deleteMany();
  await t.prisma.$executeRawUnsafe(
    `INSERT INTO postback_log (postback_id, endpoint_id, transaction_id, reason, seq, received_at, processed_at, outcome, attempts, advertiser_id, offer_id, error, source)
     SELECT gen_random_uuid(), 1 + g % 2, lpad('tx-' || g, $2, 'x'), $3, g, r, r + (g % 1000) * interval '1 ms',
            (CASE WHEN g % 4 = 0 THEN 'not_found' ELSE 'rejected' END)::postback_outcome, 1, 1 + g % 3, 10 + g % 5,
            CASE WHEN g % 4 = 0 THEN 'not_found' END, 'url'
     FROM (SELECT g, $4::timestamptz + g * interval '1 second' AS r FROM generate_series(1, $1::int) g) s`,
    count, opts.txPad ?? 8, opts.reason ?? 'bot_traffic', new Date(BASE),
  );
}

async function getCsv(query: string) {
  const res = await fetch(`${api}/admin/postbacks.csv${query ? `?${query}` : ''}`, { headers: auth });
  return { res, text: await res.text() };
}

/** Every page of the JSON search for `query`. */
async function searchAll(query: Record<string, string>) {
  const all: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: '1000', ...(cursor ? { cursor } : {}) });
    const page = (await (await fetch(`${api}/admin/postbacks?${params}`, { headers: auth })).json()) as {
      postbacks: Array<Record<string, unknown>>;
      next_cursor: string | null;
    };
    all.push(...page.postbacks);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

/** The CSV's rows as the JSON search answers them: numbers as numbers, empty cells as null. */
function csvAsJson(text: string) {
  const numeric = new Set(['latency_ms', 'endpoint_id', 'advertiser_id', 'offer_id', 'attempts']);
  const records = parse(text, { columns: true }) as Array<Record<string, string>>;
  return records.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : numeric.has(k) ? Number(v) : v])),
  );
}

/** The COPY of the export, as Postgres's own activity view shows it (not this query, which names it too). */
async function exportQueries() {
  return t.prisma.$queryRaw<Array<{ pid: number; wait_event: string | null }>>`
    SELECT pid, wait_event FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
      AND query LIKE 'COPY (SELECT %FROM postback_log%'`;
}

describe('the postback log as CSV', () => {
  it('holds every row the JSON search gives for the same filter, in the same order, with its fields', async () => {
    await givenLog(2500);
    const queries: Array<Record<string, string>> = [
      {},
      { advertiser_id: '2', outcome: 'not_found' },
      { offer_id: '12', since: new Date(BASE + 600_000).toISOString(), until: new Date(BASE + 1_800_000).toISOString() },
    ];
    for (const query of queries) {
      const { res, text } = await getCsv(new URLSearchParams(query).toString());
      expect(res.status).toBe(200);
      expect(text.split('\n')[0]).toBe(
        'postback_id,received_at,processed_at,latency_ms,transaction_id,endpoint_id,bulk_id,advertiser_id,offer_id,reason,outcome,attempts,error,source',
      );
      const json = await searchAll(query);
      expect(json.length).toBeGreaterThan(50);
      expect(csvAsJson(text)).toEqual(json);
    }
  });

  it('is an attachment named for the filter\'s time range, never cached', async () => {
    await givenLog(3);
    const { res } = await getCsv('since=2026-03-01T12:00:00Z&until=2026-03-02');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="rejection-log-20260301T120000Z-to-20260302T000000Z.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const open = await getCsv('');
    expect(open.res.headers.get('content-disposition')).toMatch(/^attachment; filename="rejection-log-start-to-\d{8}T\d{6}(\.\d{3})?Z\.csv"$/);
  });

  it('gives a spreadsheet no formula to run: text starting with = + - @ gets a leading apostrophe', async () => {
    await givenLog(4, { reason: '=HYPERLINK("http://evil.example","x")' });
    await t.prisma.postbackLog.updateMany({ where: { seq: 2n }, data: { transactionId: '@SUM(1)', reason: '-2+3' } });
    await t.prisma.postbackLog.updateMany({ where: { seq: 3n }, data: { transactionId: '+1', reason: 'plain' } });
    const rows = parse((await getCsv('')).text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.transaction_id, r.reason])).toEqual([
      ['xxxxtx-4', '\'=HYPERLINK("http://evil.example","x")'],
      ['\'+1', 'plain'],
      ['\'@SUM(1)', '\'-2+3'],
      ['xxxxtx-1', '\'=HYPERLINK("http://evil.example","x")'],
    ]);
  });

  it.each([
    ['advertiser_id', 'advertiser_id=x'],
    ['until', 'since=2026-03-02&until=2026-03-01'],
    ['limit', 'limit=10'],
    ['cursor', 'cursor=abc'],
  ])('refuses a bad or unknown %s with a JSON 400 before any CSV (%s)', async (field, query) => {
    const { res, text } = await getCsv(query);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(JSON.parse(text).error).toContain(field);
  });
});

describe('exporting a large log', () => {
  const ROWS = 200_000;
  // About 400 bytes a row: a 128-character transaction id and a 200-character reason.
  beforeAll(async () => {
    await givenLog(ROWS, { reason: 'r'.repeat(200), txPad: 128 });
  }, 120_000);

  it('streams 200,000 rows with memory that stays far below their size: Postgres waits while the client does', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // What the export could hold: JS objects and strings (heapUsed) and Buffers (arrayBuffers).
    // Two collections a turn apart: V8 frees the memory of dead Buffers on a background thread after a collection, so
    // right after one `arrayBuffers` can still count what it found dead.
    const used = async () => {
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    // A small export first, so that what the first one loads and compiles is not counted as growth.
    await getCsv('until=2026-03-01T12:01:00Z');
    const before = await used();
    const samples: number[] = [];
    let bytes = 0;
    let lines = 0;
    const checkpoints = [5e6, 10e6, 20e6, 30e6, 40e6, 50e6, 60e6];
    await new Promise<void>((resolve, reject) => {
      http.get(`${api}/admin/postbacks.csv`, { headers: auth }, (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
          if (checkpoints.length > 0 && bytes >= checkpoints[0]!) {
            checkpoints.shift();
            // Stop reading; once Postgres itself is blocked writing (nobody drains the pipe any more), measure.
            res.pause();
            eventually(async () => (await exportQueries()).some((q) => q.wait_event === 'ClientWrite'), 30_000, 'the COPY to wait on its client')
              .then(used)
              .then((now) => {
                samples.push(now - before);
                res.resume();
              })
              .catch(reject);
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(lines).toBe(ROWS + 1);
    expect(bytes).toBeGreaterThan(70e6);
    expect(samples).toHaveLength(7);
    // Each sample taken with Postgres blocked: a server that did not wait for its client would have read on and held
    // the rest (from 5 MB in, 85 MB), or Postgres would have finished instead of waiting. Measured: under 1 MB.
    expect(Math.max(...samples)).toBeLessThan(bytes / 10);
  });

  it('ends the query when the client goes away', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${api}/admin/postbacks.csv`, { headers: auth }, (res) => {
        res.once('data', () => {
          res.pause();
          eventually(async () => (await exportQueries()).length === 1 || undefined, 30_000, 'the export to be running')
            .then(() => {
              req.destroy();
              resolve();
            })
            .catch(reject);
        });
      });
      req.on('error', () => undefined);
    });
    await eventually(async () => (await exportQueries()).length === 0 || undefined, 30_000, 'the export query to end');
    // The admin still answers: its connection was released, nothing is stuck.
    expect((await getCsv('since=2026-03-01T12:00:00Z&until=2026-03-01T12:00:05Z')).text.split('\n')).toHaveLength(6);
  });

  it('cuts the response, never ends it cleanly, when the query fails after the first byte', async () => {
    const res = await fetch(`${api}/admin/postbacks.csv`, { headers: auth });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    const [query] = await eventually(async () => {
      const running = await exportQueries();
      return running.length === 1 && running;
    }, 30_000, 'the export to be running');
    await t.prisma.$queryRaw`SELECT pg_terminate_backend(${query!.pid}::int)`;
    const readToEnd = async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
    };
    await expect(readToEnd()).rejects.toThrow();
  });

  it('gives up on a client that stops reading without going away, ending the query', async () => {
    const app = express();
    registerPostbackLogCsv(app, served.admin, silent(), 500);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/admin/postbacks.csv`);
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      // Reads no more, and stays connected.
      await eventually(async () => (await exportQueries()).length === 1 || undefined, 30_000, 'the export to be running');
      await eventually(async () => (await exportQueries()).length === 0 || undefined, 30_000, 'the stalled export to end');
      const readToEnd = async () => {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
      };
      await expect(readToEnd()).rejects.toThrow();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('prints the same CSV from the CLI, with its new filters', async () => {
    const filters = ['--advertiser', '2', '--offer', '11', '--outcome', 'rejected', '--since', new Date(BASE).toISOString(), '--until', new Date(BASE + 3_600_000).toISOString()];
    const { stdout } = await promisify(execFile)(process.execPath, ['apps/admin/dist/cli.js', 'postbacks', 'list', ...filters, '--csv'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...t.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    const query = new URLSearchParams({ advertiser_id: '2', offer_id: '11', outcome: 'rejected', since: new Date(BASE).toISOString(), until: new Date(BASE + 3_600_000).toISOString() });
    expect(stdout).toBe((await getCsv(query.toString())).text);
    expect(stdout.split('\n').length).toBeGreaterThan(100);
  });
});

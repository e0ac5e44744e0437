// The report phase: the rollups pre-filled in SQL with what a 20-million-row postback_log over 31 days would
// have left in them, plus a compaction interval's worth of deltas not yet folded, then GET /admin/reports/rejections
// for 30 days by each group_by through a real admin process (median of several).
import pg from 'pg';
import { freePort, startApp, waitForHttp } from './services.mjs';
import { REASONS } from './seed.mjs';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const DAYS = 31;
const TOKEN = 'bench-admin-token-reports';
const RUNS = 7;
export const GROUP_BYS = ['reason', 'offer', 'advertiser', 'outcome'];
// Shares of a live log's postbacks by outcome (as prefill.mjs's), each counted per (offer, reason) except
// not_found, which has no offer: per (advertiser, reason).
const OUTCOME_SHARES = [['rejected', 0.7], ['reason_updated', 0.1], ['unchanged', 0.1], ['superseded', 0.05]];
const NOT_FOUND_SHARE = 0.05;
// Deltas not yet compacted when a report runs: a minute of a busy drain's batches.
const PENDING_DELTAS = 50_000;

/**
 * Fills the rollups for `postbacks` postbacks received evenly over the DAYS whole days before today, over the
 * seeded offers, and returns how many rollup rows, delta rows and postbacks they stand for.
 */
async function prefillRollups(db, postbacks) {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const from = new Date(today - DAYS * DAY_MS).toISOString();
  const to = new Date(today).toISOString();
  const { rows: [{ offers, advertisers }] } = await db.query('SELECT (SELECT count(*) FROM offers)::int AS offers, (SELECT count(*) FROM advertisers)::int AS advertisers');
  const perHour = postbacks / (DAYS * 24);
  const perKey = (share, keys) => Math.max(1, Math.round((perHour * share) / keys));
  await db.query('TRUNCATE rejection_rollups_hourly, rejection_rollups_daily, rejection_rollup_deltas');
  // Hour by hour, in time order, as compactions would have written them.
  await db.query(
    `INSERT INTO rejection_rollups_hourly (hour, advertiser_id, offer_id, reason, outcome, count)
     SELECT h, k.advertiser_id, k.offer_id, k.reason, k.outcome::postback_outcome, k.count
     FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour', interval '1 hour') AS h
     CROSS JOIN (
       SELECT o.advertiser_id, o.id AS offer_id, r AS reason, s.outcome, s.count
       FROM offers o CROSS JOIN unnest($3::text[]) AS r
       CROSS JOIN unnest($4::text[], $5::int[]) AS s(outcome, count)
       UNION ALL
       SELECT a.id, NULL, r, 'not_found', $6::int FROM advertisers a CROSS JOIN unnest($3::text[]) AS r
     ) AS k
     ORDER BY h`,
    [from, to, REASONS, OUTCOME_SHARES.map(([o]) => o), OUTCOME_SHARES.map(([, s]) => perKey(s, offers * REASONS.length)),
      perKey(NOT_FOUND_SHARE, advertisers * REASONS.length)],
  );
  await db.query(
    `INSERT INTO rejection_rollups_daily (day, advertiser_id, offer_id, reason, outcome, count)
     SELECT date_trunc('day', hour, 'UTC'), advertiser_id, offer_id, reason, outcome, sum(count)
     FROM rejection_rollups_hourly GROUP BY 1, 2, 3, 4, 5 ORDER BY 1`,
  );
  await db.query(
    `INSERT INTO rejection_rollup_deltas (hour, advertiser_id, offer_id, reason, outcome, count)
     SELECT date_trunc('hour', now(), 'UTC'), o.advertiser_id, o.id, ($1::text[])[1 + i % cardinality($1::text[])], 'rejected', 1
     FROM generate_series(1, $2::int) AS i JOIN offers o ON o.id = 1 + i % $3::int`,
    [REASONS, PENDING_DELTAS, offers],
  );
  await db.query('VACUUM ANALYZE rejection_rollups_hourly, rejection_rollups_daily, rejection_rollup_deltas');
  const { rows: [r] } = await db.query(
    `SELECT (SELECT count(*) FROM rejection_rollups_hourly)::int AS rollups, (SELECT count(*) FROM rejection_rollups_daily)::int AS daily,
            (SELECT count(*) FROM rejection_rollup_deltas)::int AS deltas, (SELECT sum(count) FROM rejection_rollups_hourly)::bigint AS postbacks`,
  );
  return { rollups: r.rollups, daily: r.daily, deltas: r.deltas, postbacks: Number(r.postbacks) };
}

/** Prefills the rollups, then times the 30-day report by each grouping (ms, median of RUNS, after one warm-up). */
export async function benchReports({ databaseUrl, env, postbacks, log }) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  let admin;
  try {
    log(`reports: pre-filling the rollups of ${postbacks} postbacks over ${DAYS} days`);
    const start = performance.now();
    const filled = await prefillRollups(db, postbacks);
    const fillSeconds = (performance.now() - start) / 1000;
    log(`reports: ${filled.rollups} hourly and ${filled.daily} daily rollup rows and ${filled.deltas} deltas in ${fillSeconds.toFixed(1)} s`);
    const port = await freePort();
    admin = startApp('admin', { ...env, ADMIN_PORT: String(port), ADMIN_HOST: '127.0.0.1', ADMIN_TOKEN: TOKEN });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`);
    const results = {
      report_prefill_postbacks: filled.postbacks,
      report_rollup_rows: filled.rollups,
      report_daily_rollup_rows: filled.daily,
      report_pending_deltas: filled.deltas,
      report_prefill_seconds: Math.round(fillSeconds * 10) / 10,
    };
    // The default span (the 30 days up to now) in day buckets by each grouping, and in hour buckets by reason.
    const cases = [
      ...GROUP_BYS.map((g) => [`report_30d_ms_by_${g}`, `group_by=${g}`]),
      ['report_30d_hourly_ms_by_reason', 'group_by=reason&bucket=hour'],
    ];
    for (const [name, query] of cases) {
      const times = [];
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        const res = await fetch(`${url}/admin/reports/rejections?${query}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        const body = await res.json();
        if (res.status !== 200) throw new Error(`report ${query}: ${res.status} ${JSON.stringify(body)}`);
        if (i > 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      results[name] = Math.round(times[Math.floor(times.length / 2)]);
      results[name.replace('_ms_', '_ms_spread_')] = [Math.round(times[0]), Math.round(times.at(-1))];
      log(`reports: ${query} ${results[name]} ms`);
    }
    return results;
  } finally {
    await admin?.stop();
    await db.end();
  }
}

export function reportRows(r) {
  if (r.report_30d_ms_by_reason === undefined) return [];
  const row = (label, name) => [label, `${r[name]} ms`, `median of ${RUNS} (${r[name.replace('_ms_', '_ms_spread_')].join('–')} ms); target well under 1 s`];
  return [
    ['Reports: rollups pre-filled (postbacks / hourly / daily rows)', `${r.report_prefill_postbacks} / ${r.report_rollup_rows} / ${r.report_daily_rollup_rows}`,
      `+ ${r.report_pending_deltas} deltas not compacted, over 31 days`],
    ...GROUP_BYS.map((g) => row(`Report, 30 days by ${g} (day buckets)`, `report_30d_ms_by_${g}`)),
    row('Report, 30 days by reason (hour buckets)', 'report_30d_hourly_ms_by_reason'),
  ];
}

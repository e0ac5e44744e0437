// The growth benchmark's history: months of postback_log and conversion_status_history generated in SQL.
import pg from 'pg';
import { ensureDayPartitions } from './dayPartitions.mjs';
import { REASONS } from './seed.mjs';

const DAY_MS = 86_400_000;
// Roughly what a live log holds: most postbacks reject, the rest are repeats, unknown ids and late arrivals.
const OUTCOMES = [
  ...Array(14).fill('rejected'), 'reason_updated', 'reason_updated', 'unchanged', 'unchanged', 'not_found', 'superseded',
];

/** The `days` whole UTC days before today's, oldest first, each as a Date at its midnight. */
export function pastDays(days, now = new Date()) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - i) * DAY_MS));
}

// A UUIDv7-like id: 48 bits of the time in ms, the version nibble 7, then the random bits (and variant) of a v4.
const v7Like = (msExpr) =>
  `(lpad(to_hex(${msExpr}), 12, '0') || '7' || substr(r, 14, 3) || substr(r, 17, 16))::uuid`;

/**
 * `rows` postback_log rows and rows/2 history rows, spread evenly over the days given (received_at in time
 * order within each day, so each statement inserts the way the live log grows); `parallel` statements at a
 * time, one per (day, table). History rows point at random seeded conversions; their postback ids need not
 * match the log's. Each statement sorts its rows by the key its table's random-order index holds (transaction_id,
 * conversion_id), so it walks that index once in order instead of dirtying random pages: the day's rows still fill
 * the heap pages that day would. Ends with VACUUM ANALYZE. Returns the rows of each day and the seconds each stage took.
 */
export async function prefill(databaseUrl, { rows, days, parallel = 2, log = () => {} }) {
  const perDay = Math.floor(rows / days.length);
  const historyPerDay = Math.floor(perDay / 2);
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  try {
    const partitions = await ensureDayPartitions(setup, days);
    const endpoints = (await setup.query('SELECT array_agg(id ORDER BY id) AS ids FROM rejection_endpoints')).rows[0].ids;
    const { rows: [conversions] } = await setup.query('SELECT min(id) AS lo, max(id) AS hi, count(*)::int AS count FROM conversions');
    log(`pre-filling ${perDay * days.length} log and ${historyPerDay * days.length} history rows over ${days.length} days` +
      (partitions ? ` (${partitions} day partitions created)` : ''));

    const tasks = days.flatMap((day, d) => [
      { sql: LOG_SQL, params: [day.getTime(), perDay, BigInt(d) * BigInt(perDay), endpoints, REASONS, OUTCOMES, conversions.count] },
      { sql: HISTORY_SQL, params: [day.getTime(), historyPerDay, conversions.lo, conversions.hi, REASONS] },
    ]);
    const insertStart = performance.now();
    await Promise.all(Array.from({ length: parallel }, () => runTasks(databaseUrl, tasks)));
    const insertSeconds = (performance.now() - insertStart) / 1000;

    const vacuumStart = performance.now();
    await setup.query('VACUUM ANALYZE postback_log, conversion_status_history');
    const vacuumSeconds = (performance.now() - vacuumStart) / 1000;
    return { rowsPerDay: perDay, rows: perDay * days.length, historyRows: historyPerDay * days.length, insertSeconds, vacuumSeconds };
  } finally {
    await setup.end();
  }
}

/** Takes tasks off the shared list until it is empty, over a connection of its own. */
async function runTasks(databaseUrl, tasks) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Generated rows: losing the last commits to a crash costs nothing, so commits need not wait for the disk.
    await db.query('SET synchronous_commit = off');
    for (let task = tasks.shift(); task; task = tasks.shift()) await db.query(task.sql, task.params);
  } finally {
    await db.end();
  }
}

// $1 day start (ms), $2 rows, $3 first seq, $4 endpoint ids, $5 reasons, $6 outcomes, $7 seeded conversions (tx-0 …).
// Received evenly over the day, applied within the second after (and within the same day), by attempt 1.
const LOG_SQL = `
  INSERT INTO postback_log
    (postback_id, endpoint_id, transaction_id, reason, seq, received_at, processed_at, outcome, attempts)
  SELECT ${v7Like('t.ms')}, ($4::int[])[1 + i % cardinality($4::int[])],
         'tx-' || floor(random() * $7::int)::int, ($5::text[])[1 + i % cardinality($5::text[])], $3::bigint + i,
         to_timestamp(t.ms / 1000.0), to_timestamp((t.ms + i % 1000) / 1000.0),
         ($6::text[])[1 + (i * 7) % cardinality($6::text[])]::postback_outcome, 1
  FROM generate_series(0, $2::int - 1) AS i,
       LATERAL (SELECT $1::bigint + (i * (${DAY_MS - 1000}::bigint) / $2::int) AS ms,
                       replace(gen_random_uuid()::text, '-', '') AS r) AS t
  ORDER BY 3`;

// $1 day start (ms), $2 rows, $3/$4 the seeded conversions' id range, $5 reasons.
const HISTORY_SQL = `
  INSERT INTO conversion_status_history
    (conversion_id, from_status, to_status, old_reason, new_reason, postback_id, changed_at)
  SELECT $3::bigint + floor(random() * ($4::bigint - $3::bigint + 1))::bigint, 'approved', 'rejected', NULL,
         ($5::text[])[1 + i % cardinality($5::text[])], ${v7Like('t.ms')}, to_timestamp(t.ms / 1000.0)
  FROM generate_series(0, $2::int - 1) AS i,
       LATERAL (SELECT $1::bigint + (i * (${DAY_MS - 1000}::bigint) / $2::int) AS ms,
                       replace(gen_random_uuid()::text, '-', '') AS r) AS t
  ORDER BY 1`;

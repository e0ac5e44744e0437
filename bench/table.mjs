// The benchmark's table: one row per figure this run measured.
import { affiliateRows } from './affiliates.mjs';
import { bulkRows } from './bulk.mjs';
import { replicaRows } from './replicas.mjs';
import { reportRows } from './reports.mjs';

export function printTable(r, { mode, connections, seconds, rounds }) {
  const rows = [
    ['Express floor (bare app, 200)', r.express_floor_rps, () => `${r.express_floor_rps} req/s`, ''],
    ['Receiver (whole middleware + durable enqueue)', r.receiver_rps, () => `${r.receiver_rps} req/s`, `ratio ${r.receiver_ratio} (target ≥ 0.80)`],
    ['Ack latency p50 / p99', r.ack_p99_ms, () => `${r.ack_p50_ms} / ${r.ack_p99_ms} ms`, 'p99 target ≤ 25 ms'],
    ['SQL floor (batched UPDATE, 10k/statement)', r.sql_floor_per_s, () => `${r.sql_floor_per_s} rows/s`, `${r.drain_rounds?.length} rounds together`],
    ['Worker drain (1 process)', r.drain_per_s, () => `${r.drain_per_s} postbacks/s`, `ratio ${r.drain_ratio} (target ≥ 0.30, and > receiver), ${r.drain_rounds?.length} rounds together`],
    ['SQL floor / drain, each round', r.drain_rounds, () => r.drain_rounds.map((d) => `${d.sql_floor_per_s} / ${d.drain_per_s}`).join(', '), `ratios ${r.drain_rounds?.map((d) => d.ratio).join(', ')}`],
    ['End to end: acked / applied / lost', r.e2e_acked, () => `${r.e2e_acked} / ${r.e2e_applied} / ${r.e2e_lost}`, `of ${r.e2e_sent} sent`],
    ['End to end: acknowledged / all applied after', r.e2e_ack_seconds, () => `${r.e2e_ack_seconds} / ${r.e2e_seconds_to_all_applied} s`, `ratio ${r.e2e_applied_ratio} (target ≤ 1.2)`],
    ['Redis bytes per queued postback', r.redis_bytes_per_job, () => `${r.redis_bytes_per_job}`, `target ≤ 1000; completed jobs left: ${r.redis_completed_jobs_left}`],
    ['Peak RSS receiver / worker', r.worker_rss_mb, () => `${r.receiver_rss_mb ?? '-'} / ${r.worker_rss_mb} MB`, ''],
    ['Growth: pre-fill log / history rows', r.growth_prefill_rows, () => `${r.growth_prefill_rows} / ${r.growth_history_rows}`, `${r.growth_prefill_seconds} s + VACUUM ANALYZE ${r.growth_vacuum_seconds} s (${r.postback_log_shape} log)`],
    ['Growth: drain on empty / pre-filled log', r.drain_full_log_per_s, () => `${r.drain_empty_log_per_s} / ${r.drain_full_log_per_s} postbacks/s`, `ratio ${r.growth_drain_ratio} (target ≥ 0.90), ${r.growth_rounds?.length} rounds together`],
    ['Growth: each round, empty / pre-filled', r.growth_rounds, () => r.growth_rounds.map((g) => `${g.empty_log_per_s} / ${g.full_log_per_s}`).join(', '), `ratios ${r.growth_rounds?.map((g) => g.ratio).join(', ')}`],
    ['Retention of one day at that size', r.retention_day_seconds, () => `${r.retention_day_seconds} s`, `${r.retention_day_rows} rows (target < 1 s)`],
  ].filter(([, measured]) => measured !== undefined);
  const cells = [...rows.map(([label, , value, note]) => [label, value(), note]), ...affiliateRows(r), ...reportRows(r), ...bulkRows(r), ...replicaRows(r.replicas)];
  const load = r.receiver_rps === undefined ? '' : `${connections} connections, ${seconds} s of load each for floor and receiver (${rounds} alternating rounds, medians), `;
  printRows(`Postback Pipeline benchmark (${mode}): ${load}${r.drain_jobs} queued postbacks per drain, ${r.conversions} conversions`, cells, 'bench/results.json');
}

export function printRows(title, rows, file) {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  console.log(`\n${title}\n`);
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(w[i])).join('  │  '));
  console.log(`\nwritten to ${file}`);
}

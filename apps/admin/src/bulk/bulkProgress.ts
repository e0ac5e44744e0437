import type { BulkRecord } from './bulkRecords.js';

const BAR_WIDTH = 24;
const count = (n: number) => n.toLocaleString('en-US');

/** Whether an upload will change no more (applied rows of a cancelled one may still land; see the README). */
export const isFinal = (r: Pick<BulkRecord, 'status'>) => r.status === 'completed' || r.status === 'cancelled' || r.status === 'failed';

/**
 * One line of an upload's progress, for a terminal: a bar of the rows done (applied, or for a dry run evaluated)
 * out of the valid rows, then rows read, queued and applied, and the invalid ones.
 */
export function progressLine(r: BulkRecord): string {
  const valid = r.rows - r.invalid_count;
  const done = r.dry_run ? Object.values(r.outcomes).reduce((a, b) => a + b, 0) : r.applied;
  const share = valid === 0 ? 1 : Math.min(1, done / valid);
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
  const counts = r.dry_run
    ? `${count(r.rows)} read, ${count(done)} evaluated`
    : `${count(r.rows)} read, ${count(r.queued)} queued, ${count(r.applied)} applied`;
  return `${bar} ${r.status}${r.dry_run ? ' (dry run)' : ''}: ${counts}, ${count(r.invalid_count)} invalid`;
}

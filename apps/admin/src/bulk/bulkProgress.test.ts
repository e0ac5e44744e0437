import { describe, expect, it } from 'vitest';
import { isFinal, progressLine } from './bulkProgress.js';
import { noOutcomes, type BulkRecord } from './bulkRecords.js';

const record = (over: Partial<BulkRecord>): BulkRecord => ({
  id: 'b', status: 'running', dry_run: false, scope: 'global', advertiser_id: 1, offer_id: null, reason: null, format: 'csv',
  rows: 1000, invalid_count: 0, queued: 0, applied: 0, outcomes: noOutcomes(), cancel_requested: false, error: null,
  created_by: 'x', created_at: '', finished_at: null, ...over,
});

describe('progressLine', () => {
  it('fills the bar with the applied share of the valid rows, and counts rows read, queued, applied and invalid', () => {
    expect(progressLine(record({ rows: 1200, invalid_count: 200, queued: 800, applied: 500 }))).toBe(
      '[############------------]  50% running: 1,200 read, 800 queued, 500 applied, 200 invalid',
    );
  });

  it('counts a dry run by the rows evaluated', () => {
    expect(progressLine(record({ dry_run: true, status: 'completed', rows: 4, outcomes: { ...noOutcomes(), rejected: 3, not_found: 1 } }))).toBe(
      '[########################] 100% completed (dry run): 4 read, 4 evaluated, 0 invalid',
    );
  });

  it('shows a file of invalid rows only as done', () => {
    expect(progressLine(record({ status: 'completed', rows: 2, invalid_count: 2 }))).toContain('100% completed');
  });
});

describe('isFinal', () => {
  it('is true once nothing more is queued or awaited', () => {
    expect(['running', 'applying', 'completed', 'cancelled', 'failed'].map((status) => isFinal({ status: status as BulkRecord['status'] }))).toEqual([false, false, true, true, true]);
  });
});

import { describe, expect, it } from 'vitest';
import { csvFilename } from './postbackLogCsv.js';
import { CSV_COLUMNS, postbackLogCopySql } from './postbackLogCsvQuery.js';

describe('the postback log export statement', () => {
  it('selects every column in the JSON field order, newest first, as CSV with a header', () => {
    const sql = postbackLogCopySql({});
    expect(sql).toMatch(/^COPY \(SELECT /);
    expect(sql).toMatch(/ORDER BY received_at DESC, postback_id DESC\) TO STDOUT WITH \(FORMAT csv, HEADER\)$/);
    expect(sql).not.toContain('WHERE');
    const aliases = [...sql.matchAll(/ AS (\w+)(?=,| FROM)/g)].map((m) => m[1]);
    expect(aliases).toEqual([...CSV_COLUMNS]);
  });

  it('writes each filter as a literal, quoting the free text so it cannot end the statement', () => {
    const sql = postbackLogCopySql({
      transaction_id: "x'); DROP TABLE conversions; --",
      advertiser_id: 2,
      offer_id: 31,
      endpoint_id: 7,
      bulk_id: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      outcome: 'not_found',
      since: new Date('2026-03-01T00:00:00Z'),
      until: new Date('2026-03-02T00:00:00Z'),
    });
    expect(sql).toContain(
      "WHERE transaction_id = 'x''); DROP TABLE conversions; --' AND advertiser_id = 2 AND offer_id = 31 AND endpoint_id = 7 " +
        "AND bulk_id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'::uuid AND outcome = 'not_found'::postback_outcome " +
        "AND received_at >= '2026-03-01T00:00:00.000Z'::timestamptz AND received_at < '2026-03-02T00:00:00.000Z'::timestamptz ORDER BY",
    );
  });
});

describe('the export file name', () => {
  const now = new Date('2026-12-01T08:30:15.250Z');
  it.each([
    [{}, 'rejection-log-start-to-20261201T083015.250Z.csv'],
    [{ since: new Date('2026-11-01T00:00:00Z') }, 'rejection-log-20261101T000000Z-to-20261201T083015.250Z.csv'],
    [{ since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-11-02T12:00:00Z') }, 'rejection-log-20261101T000000Z-to-20261102T120000Z.csv'],
  ])('names the time range %o', (filter, name) => {
    expect(csvFilename(filter, now)).toBe(name);
  });
});

import { describe, expect, it } from 'vitest';
import { bucketStarts, rejectionReportSchema } from './rejectionReportQuery.js';

const parse = (query: Record<string, string>) => rejectionReportSchema.parse(query);
const issueOf = (query: Record<string, string>) => {
  const result = rejectionReportSchema.safeParse(query);
  return result.success ? undefined : { path: result.error.issues[0]!.path.join('.'), message: result.error.issues[0]!.message };
};

describe('rejectionReportSchema', () => {
  it('widens the span to whole buckets: since down to its bucket start, until up to the next boundary', () => {
    expect(parse({ bucket: 'day', since: '2026-11-02T10:30:00Z', until: '2026-11-04T00:00:01Z' })).toMatchObject({
      since: new Date('2026-11-02T00:00:00Z'),
      until: new Date('2026-11-05T00:00:00Z'),
    });
    expect(parse({ bucket: 'hour', since: '2026-11-02T10:30:00Z', until: '2026-11-02T12:00:00Z' })).toMatchObject({
      since: new Date('2026-11-02T10:00:00Z'),
      until: new Date('2026-11-02T12:00:00Z'),
    });
  });

  it('reads a date as its UTC midnight', () => {
    expect(parse({ since: '2026-11-02', until: '2026-11-03' })).toMatchObject({ since: new Date('2026-11-02T00:00:00Z'), until: new Date('2026-11-03T00:00:00Z') });
  });

  it('defaults to rejections by reason, per day, over the 30 days up to until', () => {
    expect(parse({ until: '2026-11-30T00:00:00Z' })).toEqual({
      group_by: 'reason',
      bucket: 'day',
      since: new Date('2026-10-31T00:00:00Z'),
      until: new Date('2026-11-30T00:00:00Z'),
    });
  });

  it('refuses an empty or backwards span, one over 400 days, and hour buckets over 31 days, naming the field', () => {
    expect(issueOf({ since: '2026-11-02', until: '2026-11-02' })).toEqual({ path: 'until', message: 'must be after since' });
    expect(issueOf({ since: '2025-01-01', until: '2026-02-06' })?.path).toBe('since');
    expect(issueOf({ since: '2025-01-01', until: '2026-02-05' })).toBeUndefined();
    expect(issueOf({ bucket: 'hour', since: '2026-10-01', until: '2026-11-01T00:00:01Z' })?.path).toBe('bucket');
    expect(issueOf({ bucket: 'hour', since: '2026-10-01', until: '2026-11-01' })).toBeUndefined();
  });
});

describe('bucketStarts', () => {
  it('lists every bucket of the span, ascending', () => {
    const starts = bucketStarts({ bucket: 'hour', since: new Date('2026-11-02T22:00:00Z'), until: new Date('2026-11-03T01:00:00Z') });
    expect(starts.map((d) => d.toISOString())).toEqual(['2026-11-02T22:00:00.000Z', '2026-11-02T23:00:00.000Z', '2026-11-03T00:00:00.000Z']);
  });
});

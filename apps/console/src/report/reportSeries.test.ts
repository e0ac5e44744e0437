import { describe, expect, it } from 'vitest';
import { bucketLabel, chartRowsOf, OTHER_KEY, seriesOf } from './reportSeries';

const group = (key: string, total: number) => ({ key, label: `reason ${key}`, total, share_percent: 0 });

describe('the report chart', () => {
  it('has a series per group while they are few', () => {
    expect(seriesOf({ groups: [group('fraud', 5), group('test', 1)] })).toEqual([
      { key: 'fraud', label: 'reason fraud' },
      { key: 'test', label: 'reason test' },
    ]);
  });

  it('sums the smallest groups as "others" past the limit', () => {
    const series = seriesOf({ groups: [group('a', 9), group('b', 5), group('c', 2), group('d', 1)] }, 3);
    expect(series).toEqual([
      { key: 'a', label: 'reason a' },
      { key: 'b', label: 'reason b' },
      { key: OTHER_KEY, label: '2 others' },
    ]);
    const rows = chartRowsOf(
      {
        buckets: ['2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
        groups: [],
        rows: [
          { bucket: '2026-12-01T00:00:00.000Z', key: 'a', count: 4 },
          { bucket: '2026-12-01T00:00:00.000Z', key: 'c', count: 2 },
          { bucket: '2026-12-01T00:00:00.000Z', key: 'd', count: 1 },
        ],
      },
      series,
    );
    expect(rows).toEqual([
      { bucket: '2026-11-30T00:00:00.000Z', a: 0, b: 0, [OTHER_KEY]: 0 },
      { bucket: '2026-12-01T00:00:00.000Z', a: 4, b: 0, [OTHER_KEY]: 3 },
    ]);
  });

  it("counts an offer's rows under its series, the id a number in the report and text in the chart", () => {
    const series = seriesOf({ groups: [{ key: 7, label: 'Offer 7 Summer', total: 3, share_percent: 100 }] });
    expect(series).toEqual([{ key: '7', label: 'Offer 7 Summer' }]);
    const rows = chartRowsOf({ buckets: ['2026-12-01T00:00:00.000Z'], groups: [], rows: [{ bucket: '2026-12-01T00:00:00.000Z', key: 7, count: 3 }] }, series);
    expect(rows).toEqual([{ bucket: '2026-12-01T00:00:00.000Z', '7': 3 }]);
  });

  it('labels buckets by day or by hour, in UTC', () => {
    expect(bucketLabel('2026-12-01T00:00:00.000Z', 'day')).toBe('2026-12-01');
    expect(bucketLabel('2026-12-01T07:00:00.000Z', 'hour')).toBe('2026-12-01 07:00');
  });
});

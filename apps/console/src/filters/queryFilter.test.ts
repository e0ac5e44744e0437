import { describe, expect, it } from 'vitest';
import { filterFromForm, filterFromSearch, fromDateTimeLocal, searchFromFilter, toDateTimeLocal } from './queryFilter';
import { LOG_FILTER, REPORT_FILTER } from './specs';

describe('a filter in the query string', () => {
  it('reads back what it wrote', () => {
    const filter = { advertiser_id: 3, outcome: 'rejected', transaction_id: 'tx 1&2', since: '2026-11-01T00:00:00.000Z' };
    const search = searchFromFilter(LOG_FILTER, filter);
    expect(search.toString()).toBe('advertiser_id=3&outcome=rejected&transaction_id=tx+1%262&since=2026-11-01T00%3A00%3A00.000Z');
    expect(filterFromSearch(LOG_FILTER, new URLSearchParams(search.toString()))).toEqual(filter);
  });

  it('leaves out empty fields', () => {
    expect(searchFromFilter(LOG_FILTER, { offer_id: undefined, transaction_id: '' }).toString()).toBe('');
    expect(filterFromSearch(LOG_FILTER, new URLSearchParams('offer_id=&transaction_id=%20'))).toEqual({});
  });

  it('drops what the API would refuse: non-ids, unknown outcomes, non-instants, fields it does not know', () => {
    const params = new URLSearchParams('advertiser_id=abc&offer_id=0&endpoint_id=99999999999&outcome=nope&since=yesterday&page=2');
    expect(filterFromSearch(LOG_FILTER, params)).toEqual({});
  });

  it('normalises instants to ISO-8601 UTC', () => {
    expect(filterFromSearch(LOG_FILTER, new URLSearchParams('until=2026-12-01T09:00:00%2B01:00'))).toEqual({ until: '2026-12-01T08:00:00.000Z' });
  });

  it('keeps only the choices a field has', () => {
    expect(filterFromSearch(REPORT_FILTER, new URLSearchParams('group_by=offer&bucket=week'))).toEqual({ group_by: 'offer' });
  });

  it('reads form values by the same rules', () => {
    expect(filterFromForm(LOG_FILTER, { endpoint_id: ' 12 ', outcome: '', transaction_id: 'abc' })).toEqual({ endpoint_id: 12, transaction_id: 'abc' });
  });
});

describe('datetime-local inputs', () => {
  it('show and read UTC', () => {
    expect(toDateTimeLocal('2026-12-01T08:05:09.000Z')).toBe('2026-12-01T08:05');
    expect(fromDateTimeLocal('2026-12-01T08:05')).toBe('2026-12-01T08:05:00.000Z');
    expect(toDateTimeLocal(undefined)).toBe('');
    expect(fromDateTimeLocal('')).toBe('');
  });
});

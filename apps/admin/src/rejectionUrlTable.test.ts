import { describe, expect, it } from 'vitest';
import { rejectionUrlTable } from './rejectionUrlTable.js';
import type { RejectionEndpointListEntry } from './services/rejectionEndpointList.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const url = (over: Partial<RejectionEndpointListEntry> = {}): RejectionEndpointListEntry => ({
  id: 1,
  scope: 'global',
  advertiser_id: 7,
  offer_id: null,
  created_at: '2026-12-01T09:30:15.123Z',
  revoked_at: null,
  last_used_at: null,
  postbacks_24h: 0,
  expires_at: null,
  replaced_by: null,
  ...over,
});

describe('rejectionUrlTable', () => {
  it('prints one aligned line per URL under a header, times to the minute', () => {
    const text = rejectionUrlTable({
      rejection_endpoints: [url(), url({ id: 12, scope: 'offer', offer_id: 300, last_used_at: '2026-12-02T11:59:00Z', postbacks_24h: 1234 })],
      next_cursor: null,
    }, NOW);
    expect(text).toBe(
      [
        'ID  SCOPE   ADVERTISER  OFFER  CREATED            LAST USED          24H   STATE',
        '1   global  7           -      2026-12-01 09:30Z  -                  0     active',
        '12  offer   7           300    2026-12-01 09:30Z  2026-12-02 11:59Z  1234  active',
        '',
      ].join('\n'),
    );
  });

  it('says whether a rotated URL still works and which URL replaced it, and when a URL was revoked', () => {
    const text = rejectionUrlTable({
      rejection_endpoints: [
        url({ id: 1, expires_at: '2026-12-09T12:00:00Z', replaced_by: 2 }),
        url({ id: 3, expires_at: '2026-12-02T11:00:00Z', replaced_by: 4 }),
        url({ id: 5, revoked_at: '2026-12-02T10:00:00Z' }),
      ],
      next_cursor: null,
    }, NOW);
    const [header, ...lines] = text.trimEnd().split('\n');
    const states = lines.map((line) => line.slice(header!.indexOf('STATE')));
    expect(states).toEqual(['expires 2026-12-09 12:00Z (replaced by 2)', 'expired 2026-12-02 11:00Z (replaced by 4)', 'revoked 2026-12-02 10:00Z']);
  });

  it('tells how to get the next page, and says so when nothing matched', () => {
    expect(rejectionUrlTable({ rejection_endpoints: [url()], next_cursor: '1' }, NOW).trimEnd().split('\n').at(-1)).toBe('more: --cursor 1');
    expect(rejectionUrlTable({ rejection_endpoints: [], next_cursor: null }, NOW)).toBe('no rejection URLs match\n');
  });
});

import type { RejectionEndpointListEntry } from './services/rejectionEndpointList.js';

const COLUMNS: Array<[title: string, value: (e: RejectionEndpointListEntry, now: number) => string]> = [
  ['ID', (e) => String(e.id)],
  ['SCOPE', (e) => e.scope],
  ['ADVERTISER', (e) => String(e.advertiser_id)],
  ['OFFER', (e) => (e.offer_id === null ? '-' : String(e.offer_id))],
  ['CREATED', (e) => minute(e.created_at)],
  ['LAST USED', (e) => minute(e.last_used_at)],
  ['24H', (e) => String(e.postbacks_24h)],
  ['STATE', stateOf],
];

/** What an operator asks first of a URL: does it still work, and if not, since when and what took its place. */
function stateOf(e: RejectionEndpointListEntry, now: number): string {
  if (e.revoked_at !== null) return `revoked ${minute(e.revoked_at)}`;
  if (e.expires_at !== null) {
    const ended = Date.parse(e.expires_at) <= now;
    return `${ended ? 'expired' : 'expires'} ${minute(e.expires_at)} (replaced by ${e.replaced_by})`;
  }
  return 'active';
}

// Times to the minute, in UTC as the API gives them: enough to tell URLs apart, short enough for one line.
function minute(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 16).replace('T', ' ')}Z`;
}

/** `rejection-url list` for people: one aligned line per URL, and how to get the next page when there is one. */
export function rejectionUrlTable(page: { rejection_endpoints: RejectionEndpointListEntry[]; next_cursor: string | null }, now = Date.now()): string {
  if (page.rejection_endpoints.length === 0) return 'no rejection URLs match\n';
  const rows = [COLUMNS.map(([title]) => title), ...page.rejection_endpoints.map((e) => COLUMNS.map(([, value]) => value(e, now)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  if (page.next_cursor !== null) lines.push(`more: --cursor ${page.next_cursor}`);
  return `${lines.join('\n')}\n`;
}

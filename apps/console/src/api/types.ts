// The admin API's shapes as the console reads them (docs: /work/shared contract for issue 13, and the admin app's
// services). When apps/console/src/api/schema.d.ts is generated from GET /admin/openapi.json, these become aliases
// of its `components['schemas']` entries and the routes' answers of `paths[...]['responses']`; callers keep these names.

export type Outcome = 'rejected' | 'reason_updated' | 'unchanged' | 'not_found' | 'out_of_scope' | 'superseded' | 'revoked';
export const OUTCOMES: readonly Outcome[] = ['rejected', 'reason_updated', 'unchanged', 'not_found', 'out_of_scope', 'superseded', 'revoked'];
export type ConversionStatus = 'approved' | 'pending' | 'rejected';

export interface Page {
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export interface Advertiser {
  id: number;
  name: string;
  created_at: string;
}
export interface AdvertiserPage extends Page {
  advertisers: Advertiser[];
}

export interface Offer {
  id: number;
  advertiser_id: number;
  name: string;
  created_at: string;
}
export interface OfferPage extends Page {
  offers: Offer[];
}

export type Scope = 'global' | 'offer';

export interface RejectionEndpoint {
  id: number;
  scope: Scope;
  advertiser_id: number;
  offer_id: number | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  /** Postbacks received in the last 24 hours with its key (helper "endpoints"; absent before it lands). */
  postbacks_24h?: number;
  /** A rotated URL's end of grace. */
  expires_at?: string | null;
  replaced_by?: number | null;
}
export interface RejectionEndpointPage extends Page {
  rejection_endpoints: RejectionEndpoint[];
}

/** POST /admin/rejection-endpoints: the only answer that carries the URL (and its key). */
export interface CreatedRejectionEndpoint {
  id: number;
  scope: Scope;
  advertiser_id: number;
  offer_id: number | null;
  url: string;
  key: string;
}

/** POST /admin/rejection-endpoints/:id/rotate. */
export interface RotatedRejectionEndpoint {
  id: number;
  scope: Scope;
  url: string;
  key: string;
  replaces: number;
  old_expires_at: string;
}

export interface RevokedRejectionEndpoint {
  id: number;
  revoked_at: string;
}

export interface PostbackLogEntry {
  postback_id: string;
  received_at: string;
  processed_at: string;
  /** The fields below marked optional arrive with helper "logsearch"/"rollups". */
  latency_ms?: number;
  transaction_id: string;
  endpoint_id: number | null;
  bulk_id: string | null;
  advertiser_id?: number | null;
  offer_id?: number | null;
  reason: string;
  outcome: Outcome;
  attempts: number;
  error?: string | null;
  source?: string | null;
}
export interface PostbackLogPage extends Page {
  postbacks: PostbackLogEntry[];
}

export interface ConversionChange {
  from_status: ConversionStatus;
  to_status: ConversionStatus;
  old_reason: string | null;
  new_reason: string | null;
  postback_id: string | null;
  changed_at: string;
}
export interface Conversion {
  transaction_id: string;
  offer_id: number;
  advertiser_id?: number;
  status: ConversionStatus;
  rejected_reason: string | null;
  payout: string | null;
  created_at?: string;
  updated_at?: string;
  history: ConversionChange[];
}

export interface Refusal {
  id: string;
  at: string;
  status: number;
  error: string;
  /** null when the key was not known. */
  endpoint_id: number | null;
  client: string;
  /** The request's path with the key masked (key=****). */
  path: string;
}
export interface RefusalPage extends Page {
  refusals: Refusal[];
}

export type ReportGroupBy = 'reason' | 'offer' | 'advertiser' | 'outcome';
export type ReportBucket = 'hour' | 'day';
export interface RejectionReport {
  group_by: ReportGroupBy;
  bucket: ReportBucket;
  since: string;
  until: string;
  /** Every bucket start in the range, ascending, empty ones too. */
  buckets: string[];
  /** Largest total first. */
  groups: Array<{ key: string; label: string; total: number; share_percent: number }>;
  /** Only non-zero counts. */
  rows: Array<{ bucket: string; key: string; count: number }>;
}

export interface DeadLetter {
  id: string;
  shard: string;
  readable: boolean;
  postbacks: number;
  transaction_id: string | null;
  endpoint_id: number | null;
  bulk_id: string | null;
  error: string;
  error_kind: string;
  attempts: number;
  dead_lettered_at: string;
}
export interface DeadLetterList {
  total: number;
  jobs: DeadLetter[];
}

/** Which dead letters a replay or purge takes; every field narrows, none means all. */
export interface DeadLetterFilter {
  ids?: string[];
  error_kind?: string[];
  from?: string;
  to?: string;
  older_than?: string;
  advertiser_id?: number;
  offer_id?: number;
  endpoint_id?: number;
}

export type ReplayStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';
export interface Replay {
  id: string;
  status: ReplayStatus;
  queue: string | null;
  filter: unknown;
  rate_per_second: number;
  operator: string;
  matched: number | null;
  replayed: number;
  missing: number;
  cancel_requested: boolean;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
export interface ReplayList {
  replays: Replay[];
}
export interface ReplayEstimate {
  dry_run: true;
  matched: number;
  filter: DeadLetterFilter;
}

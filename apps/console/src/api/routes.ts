import { request, type Query } from './http';
import type {
  Advertiser,
  AdvertiserPage,
  Conversion,
  CreatedRejectionEndpoint,
  DeadLetterFilter,
  DeadLetterList,
  DeadLetterQueue,
  Offer,
  OfferPage,
  PostbackLogPage,
  RefusalPage,
  RejectionEndpointPage,
  RejectionReport,
  Replay,
  ReplayEstimate,
  ReplayList,
  RevokedRejectionEndpoint,
  RotatedRejectionEndpoint,
} from './types';

// One typed function per admin route the console calls; nothing else in the console spells a route.

export const listAdvertisers = (q: { name?: string; cursor?: string; limit?: number } = {}) =>
  request<AdvertiserPage>('GET', '/advertisers', { query: q });
export const getAdvertiser = (id: number) => request<Advertiser>('GET', `/advertisers/${id}`);
export const createAdvertiser = (body: { name: string }) => request<Advertiser>('POST', '/advertisers', { body });

export const listOffers = (q: { advertiser_id?: number; name?: string; cursor?: string; limit?: number } = {}) =>
  request<OfferPage>('GET', '/offers', { query: q });
export const getOffer = (id: number) => request<Offer>('GET', `/offers/${id}`);
export const createOffer = (body: { advertiser_id: number; name: string }) => request<Offer>('POST', '/offers', { body });

export const listRejectionEndpoints = (q: { advertiser_id?: number; offer_id?: number; scope?: 'global' | 'offer'; cursor?: string }) =>
  request<RejectionEndpointPage>('GET', '/rejection-endpoints', { query: q });
/** A global URL names the advertiser, an offer-level one the offer: exactly one of the two. */
export const createRejectionEndpoint = (body: { advertiser_id: number } | { offer_id: number }) =>
  request<CreatedRejectionEndpoint>('POST', '/rejection-endpoints', { body });
export const revokeRejectionEndpoint = (id: number) => request<RevokedRejectionEndpoint>('DELETE', `/rejection-endpoints/${id}`);
export const rotateRejectionEndpoint = (id: number, body: { grace_seconds: number }) =>
  request<RotatedRejectionEndpoint>('POST', `/rejection-endpoints/${id}/rotate`, { body });

export interface PostbackLogQuery extends Query {
  advertiser_id?: number;
  offer_id?: number;
  endpoint_id?: number;
  outcome?: string;
  transaction_id?: string;
  since?: string;
  until?: string;
}
export const searchPostbacks = (q: PostbackLogQuery & { cursor?: string; limit?: number }) =>
  request<PostbackLogPage>('GET', '/postbacks', { query: q });
export const POSTBACKS_CSV_PATH = '/postbacks.csv';
export const getConversion = (transactionId: string) => request<Conversion>('GET', `/conversions/${encodeURIComponent(transactionId)}`);

export const listRefusals = (q: { endpoint_id?: number; status?: number; since?: string; cursor?: string; limit?: number }) =>
  request<RefusalPage>('GET', '/refusals', { query: q });

export interface ReportQuery extends Query {
  group_by: RejectionReport['group_by'];
  bucket: RejectionReport['bucket'];
  since?: string;
  until?: string;
  advertiser_id?: number;
  offer_id?: number;
}
export const rejectionReport = (q: ReportQuery) => request<RejectionReport>('GET', '/reports/rejections', { query: q });
export const REPORT_CSV_PATH = '/reports/rejections.csv';

export const listDeadLetters = (q: { queue: DeadLetterQueue; limit?: number; offset?: number }) => request<DeadLetterList>('GET', '/dlq', { query: q });
export const deleteDeadLetter = (queue: DeadLetterQueue, id: string) =>
  request<{ deleted: string }>('DELETE', `/dlq/${encodeURIComponent(id)}`, { query: { queue } });
export const estimateReplay = (queue: DeadLetterQueue, filter: DeadLetterFilter) =>
  request<ReplayEstimate>('POST', '/dlq/replays', { body: { queue, filter, dry_run: true } });
export const startReplay = (queue: DeadLetterQueue, filter: DeadLetterFilter, ratePerSecond?: number) =>
  request<Replay>('POST', '/dlq/replays', { body: { queue, filter, rate_per_second: ratePerSecond } });
export const listReplays = (q: { limit?: number } = {}) => request<ReplayList>('GET', '/dlq/replays', { query: q });
export const getReplay = (id: string) => request<Replay>('GET', `/dlq/replays/${encodeURIComponent(id)}`);
export const cancelReplay = (id: string) => request<Replay>('POST', `/dlq/replays/${encodeURIComponent(id)}/cancel`);
/** Without confirm the API answers 400 with would_purge: the count the confirmation dialog shows. */
export const purgeDeadLetters = (queue: DeadLetterQueue, filter: DeadLetterFilter, confirm: boolean) =>
  request<{ purged: number }>('POST', '/dlq/purge', { body: confirm ? { queue, filter, confirm: true } : { queue, filter } });

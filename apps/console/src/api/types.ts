import type { Answer, Body, Schemas } from './schemaShapes';

// The admin API's shapes as the console reads them: names for the entries of schema.d.ts, which `npm run openapi`
// makes from the admin API's OpenAPI document. A field changed there changes here, and tsc finds every use.

export type PostbackLogEntry = Schemas['PostbackLogEntry'];
export type Outcome = PostbackLogEntry['outcome'];
// Every outcome once: an outcome the document adds or drops is a compile error here.
const OUTCOME_NAMES = {
  rejected: true,
  reason_updated: true,
  unchanged: true,
  not_found: true,
  out_of_scope: true,
  superseded: true,
  revoked: true,
} satisfies Record<Outcome, true>;
export const OUTCOMES = Object.keys(OUTCOME_NAMES) as readonly Outcome[];

export type Conversion = Schemas['Conversion'];
export type ConversionStatus = Conversion['status'];
export type ConversionChange = Conversion['history'][number];

export type Advertiser = Schemas['Advertiser'];
export type AdvertiserPage = Answer<'getAdvertisers'>;
export type Offer = Schemas['Offer'];
export type OfferPage = Answer<'getOffers'>;

export type RejectionEndpoint = Schemas['RejectionEndpoint'];
export type Scope = RejectionEndpoint['scope'];
export type RejectionEndpointPage = Answer<'getRejectionEndpoints'>;
/** POST /admin/rejection-endpoints: the only answer, with a rotation's, that carries the URL (and its key). */
export type CreatedRejectionEndpoint = Schemas['NewRejectionEndpoint'];
export type RotatedRejectionEndpoint = Schemas['RotatedRejectionEndpoint'];
export type RevokedRejectionEndpoint = Answer<'deleteRejectionEndpointsById'>;

export type PostbackLogPage = Answer<'getPostbacks'>;

export type Refusal = Schemas['Refusal'];
export type RefusalPage = Answer<'getRefusals'>;

export type RejectionReport = Schemas['RejectionReport'];
export type ReportGroupBy = RejectionReport['group_by'];
export type ReportBucket = RejectionReport['bucket'];
/** A reason or an outcome (text), or an offer's or advertiser's id (a number). */
export type ReportKey = RejectionReport['groups'][number]['key'];

/** A dead-lettered postback job (queue postbacks). */
export type DeadLetter = Schemas['DeadLetter'];
/** A notification whose delivery failed for good (queue deliveries). */
export type DeadLetteredDelivery = Schemas['DeadLetteredDelivery'];
export type DeadLetterList = Answer<'getDlq'>;
/** The dead-letter queues: the postback shards' and the affiliate notifications' deliveries'. */
export type DeadLetterQueue = NonNullable<Body<'postDlqPurge'>['queue']>;
/** Which dead letters a replay or purge takes; every field narrows, none means all. */
export type DeadLetterFilter = NonNullable<Body<'postDlqReplays'>['filter']>;

export type Replay = Schemas['Replay'];
export type ReplayStatus = Replay['status'];
export type ReplayList = Answer<'getDlqReplays'>;
export type ReplayEstimate = Schemas['ReplayEstimate'];

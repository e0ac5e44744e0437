import type { Answer, Body, QueryOf, Schemas } from './schemaShapes';

// Telling the affiliates (issue 14): publishers, affiliate postbacks, the delivery log and the rejection-rate alert
// rules, as the admin API's OpenAPI document (schema.d.ts) gives them. The lists of values below are spelt once
// each, checked against the document: a value it adds or drops is a compile error here.

export type Publisher = Schemas['Publisher'];
export type PublisherPage = Answer<'getPublishers'>;

/** An affiliate postback as every route shows it; never its secret. */
export type AffiliatePostback = Schemas['AffiliatePostback'];
export type AffiliatePostbackPage = Answer<'getAffiliatePostbacks'>;
export type AffiliatePostbackStatus = AffiliatePostback['status'];
/** POST /admin/affiliate-postbacks → 201 (the document's NewAffiliatePostback): the only answer with the secret. */
export type CreatedAffiliatePostback = Schemas['NewAffiliatePostback'];
/** The body of POST /admin/affiliate-postbacks: fields the API does not know are refused (400). */
export type AffiliatePostbackInput = Body<'postAffiliatePostbacks'>;

export type AffiliateEvent = AffiliatePostback['events'][number];
const EVENT_NAMES = { rejected: true, reason_updated: true } satisfies Record<AffiliateEvent, true>;
export const AFFILIATE_EVENTS = Object.keys(EVENT_NAMES) as readonly AffiliateEvent[];

export type AffiliateMethod = AffiliatePostback['method'];
const METHOD_NAMES = { GET: true, POST: true, PUT: true } satisfies Record<AffiliateMethod, true>;
export const AFFILIATE_METHODS = Object.keys(METHOD_NAMES) as readonly AffiliateMethod[];

/** One delivery attempt, as GET /admin/deliveries lists them (newest first). */
export type Delivery = Schemas['Delivery'];
export type DeliveryPage = Answer<'getDeliveries'>;
export type DeliveryResult = Delivery['result'];
const RESULT_NAMES = { delivered: true, retrying: true, failed: true } satisfies Record<DeliveryResult, true>;
/** The results GET /admin/deliveries filters by (its `status`). */
export const DELIVERY_RESULTS = Object.keys(RESULT_NAMES) as readonly DeliveryResult[];
export type DeliveryQuery = QueryOf<'getDeliveries'>;

/** A rejection-rate alert rule, with its state and its last evaluation. */
export type AlertRule = Schemas['AlertRule'];
export type AlertRulePage = Answer<'getAlertRules'>;
export type AlertRuleState = AlertRule['state'];
/** The body of POST /admin/alert-rules: exactly one of advertiser_id and offer_id. */
export type AlertRuleInput = Body<'postAlertRules'>;

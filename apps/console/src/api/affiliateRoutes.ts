import { request } from './http';
import type {
  AffiliatePostback,
  AffiliatePostbackInput,
  AffiliatePostbackPage,
  AffiliatePostbackStatus,
  AlertRule,
  AlertRuleInput,
  AlertRulePage,
  CreatedAffiliatePostback,
  DeliveryPage,
  DeliveryQuery,
  Publisher,
  PublisherPage,
} from './affiliateTypes';

// The admin routes of telling the affiliates (issue 14): publishers, their affiliate postbacks, the delivery log,
// the rejection-rate alert rules.

export const listPublishers = (q: { name?: string; cursor?: string; limit?: number } = {}) =>
  request<PublisherPage>('GET', '/publishers', { query: q });
export const getPublisher = (id: number) => request<Publisher>('GET', `/publishers/${id}`);
export const createPublisher = (body: { name: string }) => request<Publisher>('POST', '/publishers', { body });

export const listAffiliatePostbacks = (q: { publisher_id?: number; offer_id?: number; status?: AffiliatePostbackStatus; cursor?: string; limit?: number }) =>
  request<AffiliatePostbackPage>('GET', '/affiliate-postbacks', { query: q });
/** 404 when the publisher or the offer does not exist; 400 (with `field`) for a bad value or an unknown macro. */
export const createAffiliatePostback = (body: AffiliatePostbackInput) =>
  request<CreatedAffiliatePostback>('POST', '/affiliate-postbacks', { body });
/** The API records who paused it: paused_reason "paused by <operator>". Pausing a paused one keeps its reason. */
export const pauseAffiliatePostback = (id: number) => request<AffiliatePostback>('POST', `/affiliate-postbacks/${id}/pause`);
/** Resuming clears the paused reason (a 410 from the affiliate's host, or an operator's pause). */
export const resumeAffiliatePostback = (id: number) => request<AffiliatePostback>('POST', `/affiliate-postbacks/${id}/resume`);
/** 204: the postback is gone from the lists; its deliveries stay in the log. */
export const deleteAffiliatePostback = (id: number) => request<unknown>('DELETE', `/affiliate-postbacks/${id}`);

export const listDeliveries = (q: DeliveryQuery) => request<DeliveryPage>('GET', '/deliveries', { query: q });

export const listAlertRules = (q: { cursor?: string; limit?: number } = {}) => request<AlertRulePage>('GET', '/alert-rules', { query: q });
/** 404 when the advertiser or the offer does not exist. */
export const createAlertRule = (body: AlertRuleInput) => request<AlertRule>('POST', '/alert-rules', { body });
/** 204: no longer evaluated; its deliveries stay in the log. */
export const deleteAlertRule = (id: number) => request<unknown>('DELETE', `/alert-rules/${id}`);

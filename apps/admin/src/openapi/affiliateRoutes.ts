import { z } from 'zod';
import { AFFILIATE_EVENTS } from '@postback/core';
import { affiliatePostbackInput, POSTBACK_METHODS } from '../services/affiliatePostbackInput.js';
import { affiliatePostbackQuery, createAffiliatePostback, listAffiliatePostbacks, pauseAffiliatePostback, resumeAffiliatePostback, showAffiliatePostback } from '../services/affiliatePostbacks.js';
import { alertRuleInput, alertRuleQuery, createAlertRule, listAlertRules, showAlertRule } from '../services/alertRules.js';
import { DELIVERY_RESULTS, deliveryQuery, listDeliveries } from '../services/deliveryList.js';
import { int4Id } from '../services/inputTypes.js';
import { createPublisher, listPublishers, publisherInput, publisherQuery, showPublisher } from '../services/publishers.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText, nextCursor } from './responseTypes.js';

const publisher = z.strictObject({ id: z.int(), name: z.string(), created_at: instantText }).meta({ id: 'Publisher' });

const affiliatePostback = z
  .strictObject({
    id: z.int(),
    publisher_id: z.int(),
    offer_id: z.int().nullable().meta({ description: "Only this offer's conversions; null for all of the publisher's" }),
    url: z.string().meta({ description: 'The URL template, macros unrendered' }),
    method: z.enum(POSTBACK_METHODS),
    headers: z.record(z.string(), z.string()),
    body: z.string().nullable(),
    events: z.array(z.enum(AFFILIATE_EVENTS)),
    reasons: z.array(z.string()).meta({ description: 'Fires only for these rejection reasons; every reason when empty' }),
    delay_seconds: z.int(),
    signed: z.boolean().meta({ description: 'Deliveries carry Standard Webhooks signature headers' }),
    status: z.enum(['active', 'paused']),
    paused_reason: z.string().nullable().meta({ description: 'Why it is paused: an operator, or "410 Gone from <host> at <time>"' }),
    paused_at: instantText.nullable(),
    created_at: instantText,
  })
  .meta({ id: 'AffiliatePostback' });

const newAffiliatePostback = affiliatePostback
  .extend({
    secret: z.string().optional().meta({ description: 'The signing secret (whsec_…), with signing only: shown here once, never again' }),
  })
  .meta({ id: 'NewAffiliatePostback' });

const delivery = z
  .strictObject({
    id: z.string().meta({ description: 'The attempt (a bigint, as text)' }),
    notification_id: z.uuid().meta({ description: 'The webhook-id every attempt of the notification sent' }),
    affiliate_postback_id: z.int().nullable(),
    alert_rule_id: z.int().nullable(),
    transaction_id: z.string().nullable(),
    attempt: z.int(),
    attempted_at: instantText,
    url: z.string().meta({ description: 'The URL sent to, values of secret-looking query parameters masked (****)' }),
    status_code: z.int().nullable(),
    latency_ms: z.int().nullable(),
    response_head: z.string().nullable().meta({ description: 'The first kilobyte of the answer' }),
    error: z.string().nullable(),
    result: z.enum(DELIVERY_RESULTS),
  })
  .meta({ id: 'Delivery' });

const alertRule = z
  .strictObject({
    id: z.int(),
    advertiser_id: z.int().nullable(),
    offer_id: z.int().nullable(),
    window_minutes: z.int(),
    min_conversions: z.int(),
    max_rejection_rate_percent: z.number(),
    webhook_url: z.string(),
    notify_resolved: z.boolean(),
    state: z.enum(['ok', 'firing']).meta({ description: 'What was last notified' }),
    last_conversions: z.int().nullable(),
    last_rejected: z.int().nullable(),
    last_evaluated_at: instantText.nullable(),
    state_changed_at: instantText.nullable(),
    created_at: instantText,
  })
  .meta({ id: 'AlertRule' });

const idParam = z.object({ id: int4Id });

/** Publishers, affiliate postbacks, the delivery log and alert rules (affiliateRoutes.ts). */
export const affiliateRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/admin/publishers',
    summary: 'Create a publisher (an affiliate)',
    body: publisherInput,
    responses: { 201: { description: 'Created', schema: answeredBy(publisher, createPublisher) } },
  },
  {
    method: 'get',
    path: '/admin/publishers',
    summary: 'List publishers, oldest first, optionally by a part of the name',
    query: publisherQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ publishers: z.array(publisher), next_cursor: nextCursor }), listPublishers) } },
  },
  {
    method: 'get',
    path: '/admin/publishers/:id',
    summary: 'One publisher',
    params: idParam,
    responses: { 200: { description: 'The publisher', schema: answeredBy(publisher, showPublisher) } },
    errors: { 404: 'No such publisher' },
  },
  {
    method: 'post',
    path: '/admin/affiliate-postbacks',
    summary: "Set up an affiliate postback: fired when one of the publisher's conversions (or one offer's) is rejected",
    description:
      'url and body are templates with macros ({transaction_id}, {status}, {previous_status}, {rejected_reason}, {previous_reason}, ' +
      '{payout}, {offer_id}, {publisher_id}, {sub_id}, {changed_at}); an unknown one is a 400 naming it. With signing, the answer ' +
      'holds the secret, shown this once.',
    body: affiliatePostbackInput,
    responses: { 201: { description: 'Created', schema: answeredBy(newAffiliatePostback, createAffiliatePostback) } },
    errors: { 404: 'No such publisher or offer' },
  },
  {
    method: 'get',
    path: '/admin/affiliate-postbacks',
    summary: 'List affiliate postbacks (not deleted), oldest first, optionally of one publisher, offer or status',
    query: affiliatePostbackQuery,
    responses: {
      200: { description: 'A page', schema: answeredBy(z.strictObject({ affiliate_postbacks: z.array(affiliatePostback), next_cursor: nextCursor }), listAffiliatePostbacks) },
    },
  },
  {
    method: 'get',
    path: '/admin/affiliate-postbacks/:id',
    summary: 'One affiliate postback (never its secret)',
    params: idParam,
    responses: { 200: { description: 'The affiliate postback', schema: answeredBy(affiliatePostback, showAffiliatePostback) } },
    errors: { 404: 'No such affiliate postback, or it was deleted' },
  },
  {
    method: 'post',
    path: '/admin/affiliate-postbacks/:id/pause',
    summary: 'Pause an affiliate postback: its pending notifications are skipped, not sent',
    params: idParam,
    responses: { 200: { description: 'Paused (already paused: unchanged)', schema: answeredBy(affiliatePostback, pauseAffiliatePostback) } },
    errors: { 404: 'No such affiliate postback, or it was deleted' },
  },
  {
    method: 'post',
    path: '/admin/affiliate-postbacks/:id/resume',
    summary: 'Resume a paused affiliate postback (clears paused_reason and paused_at)',
    params: idParam,
    responses: { 200: { description: 'Active', schema: answeredBy(affiliatePostback, resumeAffiliatePostback) } },
    errors: { 404: 'No such affiliate postback, or it was deleted' },
  },
  {
    method: 'delete',
    path: '/admin/affiliate-postbacks/:id',
    summary: 'Delete an affiliate postback: never fired again, gone from the list; the delivery log still names it',
    params: idParam,
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: 'No such affiliate postback, or it was deleted already' },
  },
  {
    method: 'get',
    path: '/admin/deliveries',
    summary: 'The delivery log: every attempt to deliver a notification, newest first',
    query: deliveryQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ deliveries: z.array(delivery), next_cursor: nextCursor }), listDeliveries) } },
  },
  {
    method: 'post',
    path: '/admin/alert-rules',
    summary: "Create a rejection-rate alert on an advertiser's conversions (advertiser_id) or one offer's (offer_id)",
    body: alertRuleInput,
    responses: { 201: { description: 'Created', schema: answeredBy(alertRule, createAlertRule) } },
    errors: { 404: 'No such advertiser or offer' },
  },
  {
    method: 'get',
    path: '/admin/alert-rules',
    summary: 'List alert rules (not deleted), oldest first',
    query: alertRuleQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ alert_rules: z.array(alertRule), next_cursor: nextCursor }), listAlertRules) } },
  },
  {
    method: 'get',
    path: '/admin/alert-rules/:id',
    summary: 'One alert rule, with its state and last evaluation',
    params: idParam,
    responses: { 200: { description: 'The alert rule', schema: answeredBy(alertRule, showAlertRule) } },
    errors: { 404: 'No such alert rule, or it was deleted' },
  },
  {
    method: 'delete',
    path: '/admin/alert-rules/:id',
    summary: 'Delete an alert rule: no longer evaluated',
    params: idParam,
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: 'No such alert rule, or it was deleted already' },
  },
];

import { z } from 'zod';
import { CONVERSION_STATUSES, OUTCOMES } from '@postback/core';
import { importConversions, importInput, showConversion, transactionIdParam } from '../services/conversions.js';
import { searchPostbackLog, postbackLogSearchQuery } from '../services/postbackLogSearch.js';
import { postbackIdParam, showPostback } from '../services/postbacks.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText, nextCursor } from './responseTypes.js';

const outcome = z.enum(OUTCOMES);
const status = z.enum(CONVERSION_STATUSES);

const conversion = z
  .strictObject({
    transaction_id: z.string(),
    offer_id: z.int(),
    status,
    rejected_reason: z.string().nullable(),
    /** numeric(12,4) as text, so no digit is lost. */
    payout: z.string().nullable(),
    history: z.array(
      z.strictObject({
        from_status: status,
        to_status: status,
        old_reason: z.string().nullable(),
        new_reason: z.string().nullable(),
        postback_id: z.uuid(),
        changed_at: instantText,
      }),
    ),
  })
  .meta({ id: 'Conversion' });

const postbackLogEntry = z
  .strictObject({
    postback_id: z.uuid(),
    endpoint_id: z.int().nullable().meta({ description: 'The rejection URL it came through; null for a row of a bulk upload' }),
    bulk_id: z.uuid().nullable(),
    transaction_id: z.string(),
    reason: z.string(),
    outcome,
    received_at: instantText,
    processed_at: instantText,
    attempts: z.int(),
  })
  .meta({ id: 'PostbackLogEntry' });

const postbackStatus = z
  .strictObject({
    postback_id: z.uuid(),
    transaction_id: z.string().nullable(),
    received_at: instantText.nullable(),
    processed_at: instantText.nullable(),
    outcome: z.enum([...OUTCOMES, 'queued', 'dead_lettered']),
    attempts: z.int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'PostbackStatus' });

/** Conversions and what postbacks did to them (app.ts). */
export const postbackRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/admin/conversions',
    summary: 'Import conversions the platform tracked (existing transaction ids are left as they are)',
    body: importInput,
    responses: { 201: { description: 'Imported', schema: answeredBy(z.strictObject({ imported: z.int() }), importConversions) } },
  },
  {
    method: 'get',
    path: '/admin/conversions/:transactionId',
    summary: 'A conversion with its status history, oldest change first',
    params: z.object({ transactionId: transactionIdParam }),
    responses: { 200: { description: 'The conversion', schema: answeredBy(conversion, showConversion) } },
    errors: { 404: 'No such conversion' },
  },
  {
    method: 'get',
    path: '/admin/postbacks',
    summary: 'Search the postback log, newest first',
    query: postbackLogSearchQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ postbacks: z.array(postbackLogEntry), next_cursor: nextCursor }), searchPostbackLog) } },
  },
  {
    method: 'get',
    path: '/admin/postbacks/:id',
    summary: 'What became of one postback: its log row, or queued / dead_lettered until it is applied',
    params: z.object({ id: postbackIdParam }),
    responses: { 200: { description: 'Its state', schema: answeredBy(postbackStatus, showPostback) } },
    errors: { 404: 'No such postback' },
  },
];

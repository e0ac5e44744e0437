import { z } from 'zod';
import { CONVERSION_STATUSES, OUTCOMES } from '@postback/core';
import { importConversions, importInput, showConversion, transactionIdParam } from '../services/conversions.js';
import { postbackLogCsvQuery } from '../services/postbackLogCsv.js';
import { searchPostbackLog, postbackLogSearchQuery } from '../services/postbackLogSearch.js';
import { postbackIdParam, showPostback } from '../services/postbacks.js';
import { listRefusals, refusalQuery } from '../services/refusalList.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText, nextCursor } from './responseTypes.js';

const outcome = z.enum(OUTCOMES);
const status = z.enum(CONVERSION_STATUSES);

const conversion = z
  .strictObject({
    transaction_id: z.string(),
    offer_id: z.int(),
    advertiser_id: z.int(),
    publisher_id: z.int().nullable().meta({ description: 'The publisher (affiliate) who earned it; null when the import named none' }),
    sub_id: z.string().nullable().meta({ description: "The affiliate's own click label; null when the import gave none" }),
    status,
    rejected_reason: z.string().nullable(),
    /** numeric(12,4) as text, so no digit is lost. */
    payout: z.string().nullable(),
    created_at: instantText,
    updated_at: instantText,
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
    advertiser_id: z.int().nullable().meta({ description: "The rejection URL's or upload's advertiser; null on rows older than the column" }),
    offer_id: z.int().nullable().meta({ description: "The conversion's offer; null when it was not found" }),
    reason: z.string(),
    outcome,
    error: z.string().nullable().meta({ description: 'Why it changed nothing (not_found, out_of_scope, superseded, revoked); null when it did' }),
    source: z.string().nullable().meta({ description: 'How it arrived: url, bulk or replay' }),
    received_at: instantText,
    processed_at: instantText,
    latency_ms: z.int().meta({ description: "processed_at - received_at: from the receiver's 202 to the worker's commit" }),
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

const refusal = z
  .strictObject({
    id: z.string().meta({ description: 'Its stream entry id; pass the last one as cursor for the next page' }),
    at: instantText,
    status: z.int(),
    error: z.string(),
    field: z.string().nullable(),
    endpoint_id: z.int().nullable().meta({ description: 'null when the key was not known' }),
    client: z.string(),
    path: z.string().meta({ description: "The request's path with the key masked" }),
    count: z.int().meta({ description: 'Requests alike refused within one turn of the receiver, recorded as this one entry' }),
  })
  .meta({ id: 'Refusal' });

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
    path: '/admin/postbacks.csv',
    summary: 'Export the postback log rows the filters match as CSV, newest first, streamed',
    description:
      'The search\'s filters, without paging. A failure once rows are being sent cuts the response short (an incomplete transfer), ' +
      'never an end that looks complete.',
    query: postbackLogCsvQuery,
    responses: { 200: { description: 'The CSV, header row first (Content-Disposition names the file)', contentType: 'text/csv', schema: z.string() } },
  },
  {
    method: 'get',
    path: '/admin/postbacks/:id',
    summary: 'What became of one postback: its log row, or queued / dead_lettered until it is applied',
    params: z.object({ id: postbackIdParam }),
    responses: { 200: { description: 'Its state', schema: answeredBy(postbackStatus, showPostback) } },
    errors: { 404: 'No such postback' },
  },
  {
    method: 'get',
    path: '/admin/refusals',
    summary: 'Refused postback requests, newest first, optionally of one rejection URL, one status, since a time',
    query: refusalQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ refusals: z.array(refusal), next_cursor: nextCursor }), listRefusals) } },
  },
];

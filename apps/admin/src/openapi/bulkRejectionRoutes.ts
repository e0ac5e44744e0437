import { z } from 'zod';
import { BULK_OUTCOMES, bulkIdParam, bulkListQuery, listBulkRejections, pageSchema, showBulkRejection } from '../bulk/bulkRecords.js';
import { querySchema as bulkUploadQuery } from '../bulk/bulkRequest.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText } from './responseTypes.js';

const bulkRecord = z
  .strictObject({
    id: z.uuid(),
    status: z.enum(['running', 'applying', 'completed', 'cancelled', 'failed']),
    dry_run: z.boolean(),
    scope: z.enum(['global', 'offer']),
    advertiser_id: z.int(),
    offer_id: z.int().nullable(),
    reason: z.string().nullable(),
    format: z.string(),
    rows: z.int(),
    invalid_count: z.int(),
    queued: z.int(),
    applied: z.int(),
    outcomes: z.strictObject(Object.fromEntries(BULK_OUTCOMES.map((o) => [o, z.int()])) as Record<(typeof BULK_OUTCOMES)[number], z.ZodInt>),
    cancel_requested: z.boolean(),
    error: z.string().nullable(),
    created_by: z.string(),
    created_at: instantText,
    finished_at: instantText.nullable(),
  })
  .meta({ id: 'BulkRejection' });

const bulkRecordWithInvalid = bulkRecord
  .extend({
    invalid: z.array(z.strictObject({ line: z.int(), error: z.string() })),
    next_invalid_cursor: z.string().nullable(),
  })
  .meta({ id: 'BulkRejectionWithInvalid' });

const idParam = z.object({ id: bulkIdParam });

/** Bulk rejection uploads (bulk/bulkRoutes.ts). */
export const bulkRejectionRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/admin/rejections/bulk',
    summary: 'Upload rejections in bulk (CSV with header transaction_id[,reason], or NDJSON), staged then queued',
    query: bulkUploadQuery,
    // Checked by bulkRequest.ts's idempotencyKeyOf (1-200 printable ASCII characters), not by a zod schema.
    headers: z.object({
      'idempotency-key': z.string().optional().meta({ description: 'A repeat with the same key answers the first upload (200)' }),
    }),
    bodyContent: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } },
    responses: {
      200: { description: 'The Idempotency-Key named an earlier upload: that one', schema: bulkRecordWithInvalid },
      202: { description: 'Staged; queued in the background. Location is its record', schema: bulkRecordWithInvalid },
    },
    errors: { 404: 'No such advertiser or offer', 409: 'The Idempotency-Key was used for an upload that asked for another scope, reason, format or dry_run', 413: 'Too large', 415: 'Not CSV or NDJSON in UTF-8' },
  },
  {
    method: 'get',
    path: '/admin/rejections/bulk',
    summary: 'Bulk uploads, newest first',
    query: bulkListQuery,
    responses: { 200: { description: 'The uploads', schema: answeredBy(z.strictObject({ bulk_rejections: z.array(bulkRecord) }), listBulkRejections) } },
  },
  {
    method: 'get',
    path: '/admin/rejections/bulk/:id',
    summary: 'One upload, its progress and a page of its invalid rows',
    params: idParam,
    query: pageSchema,
    responses: { 200: { description: 'The upload', schema: answeredBy(bulkRecordWithInvalid, showBulkRejection) } },
    errors: { 404: 'No such upload' },
  },
  {
    method: 'post',
    path: '/admin/rejections/bulk/:id/cancel',
    summary: 'Cancel an upload: rows not queued yet are not',
    params: idParam,
    responses: { 200: { description: 'The upload as it stands', schema: bulkRecordWithInvalid } },
    errors: { 404: 'No such upload' },
  },
];

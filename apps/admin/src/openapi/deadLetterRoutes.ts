import { z } from 'zod';
import { deadLetterListQuery, deadLetterQueueQuery, deleteDeadLetter, listDeadLetters, replayInput, showDeadLetter } from '../services/deadLetters.js';
import { purgeRequestSchema } from '../services/dlqPurge.js';
import { replayIdParam, replayListQuery, replayRequestSchema } from '../services/dlqReplays.js';
import { jobId } from '../services/inputTypes.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText } from './responseTypes.js';

// A filter as it was given (see deadLetterFilterSchema), kept as JSON.
const filterEcho = z.looseObject({}).meta({ description: 'The dead-letter filter, as parsed' });

const deadLetter = z
  .strictObject({
    id: z.string(),
    shard: z.string(),
    readable: z.boolean(),
    postbacks: z.int(),
    transaction_id: z.string().nullable(),
    endpoint_id: z.int().nullable(),
    bulk_id: z.string().nullable(),
    error: z.string(),
    error_kind: z.string(),
    attempts: z.int(),
    errors: z.array(z.string()),
    dead_lettered_at: instantText,
  })
  .meta({ id: 'DeadLetter', description: 'A dead-lettered postback job (queue=postbacks)' });

const deadLetteredDelivery = z
  .strictObject({
    id: z.string(),
    readable: z.boolean(),
    notification_id: z.string().nullable(),
    affiliate_postback_id: z.int().nullable(),
    alert_rule_id: z.int().nullable(),
    transaction_id: z.string().nullable(),
    error: z.string(),
    error_kind: z.string(),
    attempts: z.int(),
    errors: z.array(z.string()),
    dead_lettered_at: instantText,
  })
  .meta({ id: 'DeadLetteredDelivery', description: "A notification whose delivery failed for good (queue=deliveries)" });

const anyDeadLetter = z.union([deadLetter, deadLetteredDelivery]);

const replayRecord = z
  .strictObject({
    id: z.uuid(),
    status: z.enum(['running', 'completed', 'cancelled', 'failed', 'interrupted']),
    queue: z.string().nullable(),
    filter: filterEcho,
    rate_per_second: z.int(),
    operator: z.string(),
    matched: z.int().nullable(),
    replayed: z.int(),
    missing: z.int(),
    cancel_requested: z.boolean(),
    error: z.string().nullable(),
    created_at: instantText,
    started_at: instantText.nullable(),
    finished_at: instantText.nullable(),
  })
  .meta({ id: 'Replay' });

const replayEstimate = z.strictObject({ dry_run: z.literal(true), matched: z.int(), filter: filterEcho }).meta({ id: 'ReplayEstimate' });

const idParam = z.object({ id: replayIdParam });

/** The dead-letter queue: list, delete (app.ts); replays and purges (dlqRoutes.ts). */
export const deadLetterRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/dlq',
    summary: "Dead-lettered jobs of a queue, newest first: every postback shard's (queue=postbacks, the default) or the deliveries'",
    query: deadLetterListQuery,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ total: z.int(), jobs: z.array(anyDeadLetter) }), listDeadLetters) } },
  },
  {
    method: 'get',
    path: '/admin/dlq/:id',
    summary: 'One dead-lettered job of a queue',
    params: z.object({ id: jobId }),
    query: deadLetterQueueQuery,
    responses: { 200: { description: 'The entry', schema: answeredBy(anyDeadLetter, showDeadLetter) } },
    errors: { 404: 'No such dead-lettered job' },
  },
  {
    method: 'delete',
    path: '/admin/dlq/:id',
    summary: 'Drop one dead-lettered job of a queue',
    params: z.object({ id: jobId }),
    query: deadLetterQueueQuery,
    responses: { 200: { description: 'Deleted', schema: answeredBy(z.strictObject({ deleted: z.string() }), deleteDeadLetter) } },
    errors: { 404: 'No such dead-lettered job' },
  },
  {
    method: 'post',
    path: '/admin/dlq/replay',
    summary: 'Replay dead-lettered jobs by ids (in the foreground) or all (in the background)',
    body: replayInput,
    responses: {
      200: {
        description: 'Replayed by ids',
        schema: z.strictObject({ replayed: z.int(), ids: z.array(z.string()), missing: z.array(z.string()), replay_id: z.uuid() }),
      },
      202: { description: 'All: started in the background; poll /admin/dlq/replays/{replay_id}', schema: z.strictObject({ replay_id: z.uuid() }) },
    },
  },
  {
    method: 'post',
    path: '/admin/dlq/replays',
    summary: 'Start a filtered replay in the background, or estimate it (dry_run)',
    body: replayRequestSchema,
    responses: {
      200: { description: 'dry_run: what the filter matches now', schema: replayEstimate },
      202: { description: 'Started; Location is its record', schema: replayRecord },
    },
  },
  {
    method: 'get',
    path: '/admin/dlq/replays',
    summary: 'Replays, newest first',
    query: replayListQuery,
    responses: { 200: { description: 'The replays', schema: z.strictObject({ replays: z.array(replayRecord) }) } },
  },
  {
    method: 'get',
    path: '/admin/dlq/replays/:id',
    summary: 'One replay and its progress',
    params: idParam,
    responses: { 200: { description: 'The replay', schema: replayRecord } },
    errors: { 404: 'No such replay' },
  },
  {
    method: 'post',
    path: '/admin/dlq/replays/:id/cancel',
    summary: 'Ask a running replay to stop before its next job',
    params: idParam,
    responses: { 200: { description: 'The replay as it stands', schema: replayRecord } },
    errors: { 404: 'No such replay' },
  },
  {
    method: 'post',
    path: '/admin/dlq/purge',
    summary: 'Drop the dead-lettered jobs a filter matches, for good (needs "confirm": true)',
    description: 'Without confirm nothing is dropped: the answer is a 400 with would_purge, the count the filter matches.',
    body: purgeRequestSchema,
    responses: { 200: { description: 'Purged', schema: z.strictObject({ purged: z.int() }) } },
  },
];

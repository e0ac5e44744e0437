import { z } from 'zod';
import { auditQuerySchema, searchAudit } from '../services/adminAuditSearch.js';
import { forgetShardLayout, layoutNumber } from '../services/shardLayouts.js';
import { answeredBy, type RouteDoc } from './routeDoc.js';
import { instantText, nextCursor } from './responseTypes.js';

const shardDepth = z.strictObject({
  shard: z.string(),
  jobs: z.record(z.string(), z.int()).meta({ description: "Jobs in each state of the shard's postback queue" }),
  dead_lettered: z.int(),
  also_in: z.array(z.int()),
});

const auditRecord = z
  .strictObject({
    id: z.string(),
    at: instantText,
    operator: z.string(),
    source: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    details: z.unknown(),
    outcome: z.enum(['ok', 'failed']),
  })
  .meta({ id: 'AuditRecord' });

/** Shard layouts, the audit trail (app.ts) and this document. */
export const operationsRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/admin/shard-layouts',
    summary: 'The announced shard layouts (QUEUE_SHARDS values), their queues and live processes',
    responses: {
      200: {
        description: 'The layouts',
        schema: z.strictObject({
          this_process: z.int(),
          layouts: z.array(
            z.strictObject({
              shards: z.int(),
              live_processes: z.record(z.string(), z.int()),
              forgettable: z.boolean(),
              queues: z.array(shardDepth),
            }),
          ),
        }),
      },
    },
  },
  {
    method: 'delete',
    path: '/admin/shard-layouts/:shards',
    summary: 'Forget a shard layout nothing uses or holds jobs in any more',
    params: z.object({ shards: layoutNumber }),
    responses: {
      200: { description: 'Forgotten', schema: answeredBy(z.strictObject({ forgotten: z.int(), shards_no_longer_consumed: z.array(z.string()) }), forgetShardLayout) },
    },
    errors: { 404: 'No such layout announced', 409: 'A live process uses it, or its shards still hold jobs' },
  },
  {
    method: 'get',
    path: '/admin/audit',
    summary: "The audit trail of operators' actions, newest first",
    query: auditQuerySchema,
    responses: { 200: { description: 'A page', schema: answeredBy(z.strictObject({ audit: z.array(auditRecord), next_cursor: nextCursor }), searchAudit) } },
  },
  {
    method: 'get',
    path: '/admin/openapi.json',
    summary: 'This document: the admin API as OpenAPI 3.1',
    responses: { 200: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.string() }) } },
  },
];

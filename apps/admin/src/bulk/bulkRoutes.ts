import type express from 'express';
import { actorOf } from '../adminAuth.js';
import { adminActions } from '../auditedActions.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import type { BulkRejections } from './bulkRejections.js';

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/**
 * Bulk rejections: an upload (CSV or NDJSON body, streamed) answered once staged, then queued in the background;
 * its record, the list, cancel. Registered behind the admin token check.
 */
export function registerBulkRoutes(app: express.Express, deps: AdminDeps, bulk: BulkRejections): void {
  app.post('/admin/rejections/bulk', async (req, res) => {
    const { record, created } = await adminActions.uploadBulkRejection(deps, actorOf(res), bulk, {
      query: req.query,
      contentType: req.headers['content-type'],
      contentEncoding: req.headers['content-encoding'],
      idempotencyKey: single(req.headers['idempotency-key']),
      body: req,
    });
    // 200 with the first upload when the Idempotency-Key named one already.
    res.status(created ? 202 : 200).location(`/admin/rejections/bulk/${record.id}`).json(record);
  });
  app.get('/admin/rejections/bulk', async (req, res) => {
    res.json(await bulk.list(req.query));
  });
  app.get('/admin/rejections/bulk/:id', async (req, res) => {
    res.json(await bulk.get(req.params.id, req.query));
  });
  app.post('/admin/rejections/bulk/:id/cancel', async (req, res) => {
    res.json(await adminActions.cancelBulkRejection(deps, actorOf(res), bulk, req.params.id));
  });
}

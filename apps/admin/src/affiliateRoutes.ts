import type express from 'express';
import { actorOf } from './adminAuth.js';
import { adminActions } from './auditedActions.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import { listAffiliatePostbacks, showAffiliatePostback } from './services/affiliatePostbacks.js';
import { listAlertRules, showAlertRule } from './services/alertRules.js';
import { listDeliveries } from './services/deliveryList.js';
import { listPublishers, showPublisher } from './services/publishers.js';

/**
 * Telling the affiliates (issue 14): publishers, their affiliate postbacks, the delivery log and the rejection-rate
 * alert rules. Registered behind the admin check; every change goes through adminActions, so it is audited.
 */
export function registerAffiliateRoutes(app: express.Express, deps: AdminDeps): void {
  app.post('/admin/publishers', async (req, res) => {
    res.status(201).json(await adminActions.createPublisher(deps, actorOf(res), req.body));
  });
  app.get('/admin/publishers', async (req, res) => {
    res.json(await listPublishers(deps.prisma, req.query));
  });
  app.get('/admin/publishers/:id', async (req, res) => {
    res.json(await showPublisher(deps.prisma, req.params.id));
  });

  app.post('/admin/affiliate-postbacks', async (req, res) => {
    res.status(201).json(await adminActions.createAffiliatePostback(deps, actorOf(res), req.body));
  });
  app.get('/admin/affiliate-postbacks', async (req, res) => {
    res.json(await listAffiliatePostbacks(deps.prisma, req.query));
  });
  app.get('/admin/affiliate-postbacks/:id', async (req, res) => {
    res.json(await showAffiliatePostback(deps.prisma, req.params.id));
  });
  app.post('/admin/affiliate-postbacks/:id/pause', async (req, res) => {
    res.json(await adminActions.pauseAffiliatePostback(deps, actorOf(res), req.params.id));
  });
  app.post('/admin/affiliate-postbacks/:id/resume', async (req, res) => {
    res.json(await adminActions.resumeAffiliatePostback(deps, actorOf(res), req.params.id));
  });
  app.delete('/admin/affiliate-postbacks/:id', async (req, res) => {
    await adminActions.deleteAffiliatePostback(deps, actorOf(res), req.params.id);
    res.status(204).end();
  });

  app.get('/admin/deliveries', async (req, res) => {
    res.json(await listDeliveries(deps.reads, req.query));
  });

  app.post('/admin/alert-rules', async (req, res) => {
    res.status(201).json(await adminActions.createAlertRule(deps, actorOf(res), req.body));
  });
  app.get('/admin/alert-rules', async (req, res) => {
    res.json(await listAlertRules(deps.prisma, req.query));
  });
  app.get('/admin/alert-rules/:id', async (req, res) => {
    res.json(await showAlertRule(deps.prisma, req.params.id));
  });
  app.delete('/admin/alert-rules/:id', async (req, res) => {
    await adminActions.deleteAlertRule(deps, actorOf(res), req.params.id);
    res.status(204).end();
  });
}

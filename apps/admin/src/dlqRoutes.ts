import type express from 'express';
import { actorOf } from './adminAuth.js';
import { adminActions } from './auditedActions.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import type { DlqReplays } from './services/dlqReplays.js';

/**
 * Replays (by ids in the foreground; filtered ones estimated with dry_run, then run in the background, polled,
 * cancelled), every one recorded, and purges of the dead-letter queue. Registered behind the admin token check.
 */
export function registerDlqRoutes(app: express.Express, deps: AdminDeps, replays: DlqReplays): void {
  app.post('/admin/dlq/replay', async (req, res) => {
    const answer = await adminActions.replayDeadLetters(deps, actorOf(res), replays, req.body);
    if ('replayed' in answer) return void res.json(answer);
    res.status(202).location(`/admin/dlq/replays/${answer.replay_id}`).json(answer);
  });
  app.post('/admin/dlq/replays', async (req, res) => {
    // The replay's record names the request's operator unless the body names another.
    const result = await adminActions.startReplay(deps, actorOf(res), replays, req.body);
    if ('dry_run' in result) return void res.json(result);
    res.status(202).location(`/admin/dlq/replays/${result.id}`).json(result);
  });
  app.get('/admin/dlq/replays', async (req, res) => {
    res.json(await replays.list(req.query));
  });
  app.get('/admin/dlq/replays/:id', async (req, res) => {
    res.json(await replays.get(req.params.id));
  });
  app.post('/admin/dlq/replays/:id/cancel', async (req, res) => {
    res.json(await adminActions.cancelReplay(deps, actorOf(res), replays, req.params.id));
  });
  app.post('/admin/dlq/purge', async (req, res) => {
    const result = await adminActions.purgeDeadLetters(deps, actorOf(res), req.body);
    if (!result.confirmed) {
      return void res.status(400).json({ error: 'purging needs "confirm": true', would_purge: result.would_purge });
    }
    res.json({ purged: result.purged });
  });
}

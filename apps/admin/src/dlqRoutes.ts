import type express from 'express';
import type { AdminDeps } from './wiring/adminDeps.js';
import { replayDeadLetters } from './services/deadLetters.js';
import { purgeDeadLetters } from './services/dlqPurge.js';
import { tokenFingerprint, type DlqReplays } from './services/dlqReplays.js';

/**
 * Replays (by ids in the foreground; filtered ones estimated with dry_run, then run in the background, polled,
 * cancelled), every one recorded, and purges of the dead-letter queue. Registered behind the admin token check.
 */
export function registerDlqRoutes(app: express.Express, deps: AdminDeps, replays: DlqReplays, adminToken: string): void {
  const operator = tokenFingerprint(adminToken);
  app.post('/admin/dlq/replay', async (req, res) => {
    const answer = await replayDeadLetters(replays, req.body, operator);
    if ('replayed' in answer) return void res.json(answer);
    res.status(202).location(`/admin/dlq/replays/${answer.replay_id}`).json(answer);
  });
  app.post('/admin/dlq/replays', async (req, res) => {
    const result = await replays.start(req.body, operator);
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
    res.json(await replays.cancel(req.params.id));
  });
  app.post('/admin/dlq/purge', async (req, res) => {
    const result = await purgeDeadLetters(deps, req.body);
    if (!result.confirmed) {
      return void res.status(400).json({ error: 'purging needs "confirm": true', would_purge: result.would_purge });
    }
    res.json({ purged: result.purged });
  });
}

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type express from 'express';
import type { AdminDeps } from '../wiring/adminDeps.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board over the main and dead-letter queues, at /admin/queues behind the admin check, both read-only there:
 * live postbacks are the workers' business, and bull-board would empty, clean, edit or add dead-lettered jobs
 * without a confirmation or a record. Replays and purges go through the dead-letter console (/admin/dlq/console),
 * linked from the dashboard, which asks before a purge and keeps the replay history.
 */
export function mountQueueDashboard(app: express.Express, deps: Pick<AdminDeps, 'queue' | 'deadLetters'>): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(deps.queue, { readOnlyMode: true, description: 'postbacks waiting for a worker' }),
      new BullMQAdapter(deps.deadLetters, { readOnlyMode: true, description: 'postbacks that could not be applied' }),
    ],
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Postback Pipeline',
        hideDocsLink: true,
        miscLinks: [
          { text: 'Dead-letter console (replay, purge)', url: '/admin/dlq/console' },
          { text: 'Log out', url: '/admin/logout' },
        ],
      },
    },
  });
  app.use(DASHBOARD_PATH, refuseMalformedEscapes, serverAdapter.getRouter() as express.Router);
}

// bull-board decodes some query values itself (queueName, activeQueue) and answers 500 for a broken %-escape in
// them: a URL that does not decode is refused with 400 before bull-board sees it.
const refuseMalformedEscapes: express.RequestHandler = (req, res, next) => {
  try {
    decodeURIComponent(req.originalUrl);
  } catch {
    return void res.status(400).json({ error: 'the URL has a malformed %-escape' });
  }
  next();
};

import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type express from 'express';
import type { AdminDeps } from '../wiring/adminDeps.js';

export const DASHBOARD_PATH = '/admin/queues';

// Everything the page loads comes from this server: bull-board's own scripts, styles and images. 'unsafe-inline' for
// styles only (its page carries inline style attributes); font-src 'self' keeps the browser from fetching web fonts.
export const DASHBOARD_SECURITY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// A <link> to another origin: bull-board's index.ejs links Google Fonts.
const EXTERNAL_LINK = /<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>\s*/gi;

// How long the dashboard goes on showing the shards it last read before it reads the announced layouts again.
const SHARDS_REREAD_MS = 5000;

/**
 * bull-board over every shard's main and dead-letter queues (this process's layout's, and every announced layout's,
 * read again at most every SHARDS_REREAD_MS), at /admin/queues behind the admin check, all read-only there:
 * live postbacks are the workers' business, and bull-board would empty, clean, edit or add dead-lettered jobs
 * without a confirmation or a record. Replays and purges go through the console's dead-letter page (/admin/console/dead-letters),
 * linked from the dashboard, which asks before a purge and keeps the replay history.
 */
export function mountQueueDashboard(app: express.Express, deps: Pick<AdminDeps, 'shards' | 'withRedis'>): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  const board = createBullBoard({
    queues: adaptersOf(deps, deps.shards.catalog.ownShards()),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Postback Pipeline',
        hideDocsLink: true,
        miscLinks: [
          { text: 'Console', url: '/admin/console' },
          { text: 'Dead letters (replay, purge)', url: '/admin/console/dead-letters' },
          { text: 'Log out', url: '/admin/logout' },
        ],
      },
    },
  });
  let shown = { at: 0, tags: deps.shards.catalog.ownShards().join(' ') };
  const showEveryShard: express.RequestHandler = (_req, _res, next) => {
    if (Date.now() - shown.at < SHARDS_REREAD_MS) return next();
    shown = { ...shown, at: Date.now() };
    // Redis unreachable: the shards last read stay, and bull-board says what it can.
    deps.withRedis(() => deps.shards.known()).then(
      (tags) => {
        if (tags.join(' ') !== shown.tags) board.replaceQueues(adaptersOf(deps, tags));
        shown = { at: Date.now(), tags: tags.join(' ') };
        next();
      },
      () => next(),
    );
  };
  app.use(DASHBOARD_PATH, refuseMalformedEscapes, showEveryShard, servedWithoutExternalRequests, serverAdapter.getRouter() as express.Router);
}

/**
 * Read-only adapters for both queues of each shard. One shard's queues keep their plain names (rejections,
 * rejections-dead); with more, bull-board, which tells queues apart by name, shows each under its shard's tag.
 */
function adaptersOf(deps: Pick<AdminDeps, 'shards'>, tags: readonly string[]): BullMQAdapter[] {
  return tags.flatMap((tag) => {
    const { queue, deadLetters } = deps.shards.shard(tag);
    const prefix = tags.length === 1 ? '' : `${tag}:`;
    return [
      new BullMQAdapter(queue, { readOnlyMode: true, prefix, description: 'postbacks waiting for a worker' }),
      new BullMQAdapter(deadLetters, { readOnlyMode: true, prefix, description: 'postbacks that could not be applied' }),
    ];
  });
}

/**
 * The dashboard makes no request to another origin: one that works offline and tells no third party who opens it.
 * The CSP blocks what the page would fetch elsewhere, and the page is rendered without bull-board's web-font
 * stylesheet link, so the browser does not even try (it falls back to its own fonts). Express's render with a
 * callback, as bull-board's res.render(view, params) would have done, minus the link.
 */
function servedWithoutExternalRequests(req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.set('Content-Security-Policy', DASHBOARD_SECURITY);
  const render = res.render.bind(res);
  res.render = ((view: string, options?: object) =>
    render(view, options ?? {}, (err: Error | null, html: string) => {
      if (err) return req.next!(err);
      res.send(html.replace(EXTERNAL_LINK, ''));
    })) as typeof res.render;
  next();
}

// bull-board decodes some query values itself (queueName, activeQueue) and answers 500 for a broken %-escape in
// them, and for a control character (a NUL in `status`) that reaches the queue's job listing: a URL that does not
// decode, or decodes to a control character, is refused with 400 before bull-board sees it.
const refuseMalformedEscapes: express.RequestHandler = (req, res, next) => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.originalUrl);
  } catch {
    return void res.status(400).json({ error: 'the URL has a malformed %-escape' });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return void res.status(400).json({ error: 'the URL has a control character' });
  next();
};

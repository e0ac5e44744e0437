import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

export const CONSOLE_PATH = '/admin/console';

/** Every script, style and request of the console is a file or a call of this origin: nothing inline, nothing else. */
export const CONSOLE_SECURITY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** apps/console/dist, from apps/admin/src/dashboard (tests) and apps/admin/dist/dashboard (the built app) alike. */
export const BUILT_CONSOLE_DIR = fileURLToPath(new URL('../../../console/dist', import.meta.url));

const NOT_BUILT = 'The console has not been built: run `npm run build` (it builds apps/console into apps/console/dist), then reload.\n';

/**
 * The account manager's console (apps/console, a React app Vite builds) as static files, behind the admin login
 * (registered after requireAdmin, so a browser without a session is sent to the login form). Its hashed assets are
 * cached for a year; index.html is revalidated every time and answers every other path under /admin/console, so
 * deep links work. The old dead-letter page's address leads to the console's dead-letter page.
 */
export function registerConsole(app: express.Express, dir: string = BUILT_CONSOLE_DIR): void {
  app.get('/admin/dlq/console', (_req, res) => {
    res.redirect(302, `${CONSOLE_PATH}/dead-letters`);
  });
  app.use(CONSOLE_PATH, (_req, res, next) => {
    res.set('Content-Security-Policy', CONSOLE_SECURITY);
    next();
  });
  app.use(
    `${CONSOLE_PATH}/assets`,
    // Names carry a hash of the content: a new build gets new names, so an old copy never goes stale.
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false, redirect: false }),
    (_req, res) => {
      // Never index.html for a missing asset: a browser would try to run HTML as a script.
      res.status(404).type('text').send('no such console asset (a newer build replaced it? reload the page)\n');
    },
  );
  app.get(`${CONSOLE_PATH}{/*path}`, (_req, res) => {
    res.sendFile(join(dir, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } }, (err) => {
      if (!err || res.headersSent) return;
      res.status(503).type('text').send(NOT_BUILT);
    });
  });
}

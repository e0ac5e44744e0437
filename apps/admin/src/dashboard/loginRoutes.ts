import express from 'express';
import { sessionCookieOf } from '../adminAuth.js';
import { createTokenCheck } from '../adminToken.js';
import { SESSION_COOKIE, type AdminSessions } from './adminSession.js';

const PAGE_SECURITY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/** Where a login may send the browser next: a page of the admin app, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin\/(?!\/)[\w\-./?=&%{}]*$/.test(next) ? next : '/admin/queues';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(next: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Postback Pipeline admin: log in</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto}input{width:100%;margin:.3rem 0 1rem}</style></head>
<body><h1>Admin log in</h1>
${failed ? '<p role="alert">Wrong admin token.</p>' : ''}
<form method="post" action="/admin/login">
<label for="token">Admin token (ADMIN_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Log in</button>
</form></body></html>`;
}

/**
 * The login form for the dashboard (a browser cannot send a bearer header): the token, once checked, becomes a
 * session cookie (see adminSession.ts) that is HttpOnly, SameSite=Strict, and Secure when the request came over
 * HTTPS. Registered before the token check.
 */
export function registerLoginRoutes(app: express.Express, token: string, sessions: AdminSessions): void {
  const matches = createTokenCheck(token);
  app.get('/admin/login', (req, res) => {
    res.set('Content-Security-Policy', PAGE_SECURITY).type('html').send(loginPage(safeNext(req.query.next), false));
  });
  app.post('/admin/login', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const body = (req.body ?? {}) as { token?: unknown; next?: unknown };
    const next = safeNext(body.next);
    if (typeof body.token !== 'string' || !matches(body.token)) {
      return void res.status(401).set('Content-Security-Policy', PAGE_SECURITY).type('html').send(loginPage(next, true));
    }
    const session = sessions.issue();
    res.cookie(SESSION_COOKIE, session.value, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
      expires: session.expires,
    });
    res.redirect(303, next);
  });
  // GET too, for the dashboard's link; logging someone out is no harm worth a form. The session is ended in Redis
  // before the cookie is cleared, so a copy of the cookie is refused too; if Redis is unreachable the logout fails
  // (503) rather than pretend.
  app.all('/admin/logout', async (req, res) => {
    const value = sessionCookieOf(req);
    if (value !== undefined) await sessions.end(value);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/admin' });
    res.redirect(303, '/admin/login');
  });
}

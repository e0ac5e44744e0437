import express from 'express';
import { AdminInputError } from '../adminErrors.js';
import { sessionCookieOf, type AdminAuth } from '../adminAuth.js';
import { adminActions } from '../auditedActions.js';
import { parseOperatorName, type Actor } from '../operator.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { SESSION_COOKIE, type AdminSessions } from './adminSession.js';

const PAGE_SECURITY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/** Where a login may send the browser next: a page of the admin app, never another site. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin\/(?!\/)[\w\-./?=&%{}]*$/.test(next) ? next : '/admin/console';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const FAILURES = {
  token: 'Wrong admin token.',
  operator: 'Give your name: 1 to 100 characters, no control characters.',
} as const;

function loginPage(next: string, operator: string, failed?: keyof typeof FAILURES): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Postback Pipeline admin: log in</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto}input{width:100%;margin:.3rem 0 1rem}</style></head>
<body><h1>Admin log in</h1>
${failed ? `<p role="alert">${FAILURES[failed]}</p>` : ''}
<form method="post" action="/admin/login">
<label for="operator">Your name (what you do here is recorded under it)</label>
<input id="operator" name="operator" autocomplete="username" maxlength="100" required autofocus value="${escapeHtml(operator)}">
<label for="token">Admin token (ADMIN_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Log in</button>
</form></body></html>`;
}

/**
 * The login form for the dashboard (a browser cannot send a bearer header): the operator's name and the token,
 * once checked, become a session cookie (see adminSession.ts) that is HttpOnly, SameSite=Strict, and Secure when
 * the request came over HTTPS. A wrong token counts as a failed login for the address (see adminAuth.ts); a
 * login and a logout each leave an audit record. Registered before the token check.
 */
export function registerLoginRoutes(app: express.Express, deps: AdminDeps, auth: AdminAuth, sessions: AdminSessions): void {
  const page = (res: express.Response, status: number, next: string, operator: string, failed?: keyof typeof FAILURES) =>
    res.status(status).set('Content-Security-Policy', PAGE_SECURITY).type('html').send(loginPage(next, operator, failed));

  app.get('/admin/login', (req, res) => {
    page(res, 200, safeNext(req.query.next), '');
  });
  app.post('/admin/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = (req.body ?? {}) as { token?: unknown; operator?: unknown; next?: unknown };
    const next = safeNext(body.next);
    const given = typeof body.operator === 'string' ? body.operator : '';
    const address = req.ip ?? '';
    let operator: string;
    try {
      operator = parseOperatorName(given, 'operator');
    } catch (err) {
      // Before the token is looked at: a bad name says nothing about the token and is not a failed login.
      if (err instanceof AdminInputError) return void page(res, 400, next, given, 'operator');
      throw err;
    }
    if (typeof body.token !== 'string' || !auth.isToken(body.token)) {
      await auth.recordFailure(address);
      return void page(res, 401, next, given, 'token');
    }
    await auth.refuseIfBlocked(address);
    const actor: Actor = { operator, source: address };
    res.locals.actor = actor;
    const session = await adminActions.login(deps, actor, () => sessions.issue(operator));
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
    const session = value === undefined ? undefined : sessions.peek(value);
    if (value !== undefined && session) {
      const actor: Actor = { operator: session.operator, source: req.ip ?? '' };
      res.locals.actor = actor;
      await adminActions.logout(deps, actor, async () => (await sessions.end(value)) !== undefined);
    }
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/admin' });
    res.redirect(303, '/admin/login');
  });
}

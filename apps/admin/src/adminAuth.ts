import { parseCookie } from 'cookie';
import type { Request, RequestHandler } from 'express';
import { createTokenCheck } from './adminToken.js';
import { SESSION_COOKIE, type AdminSessions } from './dashboard/adminSession.js';

/**
 * The admin token check: a bearer header (scripts, the API) or a login session cookie (a browser on the
 * dashboard). A browser asking for a page without either is sent to the login form; anything else gets 401.
 */
export function requireAdmin(token: string, sessions: AdminSessions): RequestHandler {
  const matches = createTokenCheck(token);
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const sent = header.startsWith('Bearer ') ? header.slice(7) : '';
    // The token first: scripts and Prometheus never wait on the session check's Redis read.
    if (matches(sent) || (await hasSession(req, sessions))) return next();
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
      return void res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'missing or wrong admin token' });
  };
}

/** The request's session cookie, if it sent one. */
export function sessionCookieOf(req: Request): string | undefined {
  return req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
}

async function hasSession(req: Request, sessions: AdminSessions): Promise<boolean> {
  const value = sessionCookieOf(req);
  return value !== undefined && (await sessions.verify(value));
}

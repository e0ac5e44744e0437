import { parseCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { TooManyAuthFailuresError, type AuthFailureLimiter, type Logger } from '@postback/core';
import { createTokenCheck, tokenFingerprint } from './adminToken.js';
import { SESSION_COOKIE, type AdminSessions } from './dashboard/adminSession.js';
import { operatorFromHeader, type Actor } from './operator.js';
import type { RedisWork } from './wiring/redisGate.js';

export interface AdminAuthDeps {
  token: string;
  sessions: AdminSessions;
  /** Wrong tokens, failed cookies and failed logins per client address, in Redis. */
  failures: AuthFailureLimiter;
  /** Waits (briefly) for the Redis connection the counters live on, as every admin use of Redis does. */
  withRedis: RedisWork;
  logger: Logger;
}

export interface AdminAuth {
  /** The token check for every /admin route (and /metrics); sets the request's Actor (see actorOf). */
  requireAdmin: RequestHandler;
  /** Whether `sent` is the admin token (constant time). */
  isToken: (sent: string) => boolean;
  /** Counts a failed attempt from the address; throws TooManyAuthFailuresError past the allowance. */
  recordFailure: (address: string) => Promise<void>;
  /** For credentials that were right: throws TooManyAuthFailuresError while the address is refused. */
  refuseIfBlocked: (address: string) => Promise<void>;
}

/**
 * The admin's authentication: a bearer header (scripts, the API) or a login session cookie (a browser on the
 * dashboard). A browser asking for a page without either is sent to the login form; anything else gets 401.
 *
 * Failed attempts (a wrong bearer token or other Authorization header, a session cookie that fails, a wrong
 * login) are counted per client address in Redis; past ADMIN_AUTH_FAILURES_PER_ADDRESS in the window the address
 * gets 429 for everything, the right token included, so a guesser cannot tell a right guess from a wrong one.
 * A request with no credentials at all guesses nothing and is not counted.
 */
export function createAdminAuth(deps: AdminAuthDeps): AdminAuth {
  const isToken = createTokenCheck(deps.token);
  const fingerprint = tokenFingerprint(deps.token);

  async function recordFailure(address: string): Promise<void> {
    try {
      await deps.withRedis(() => deps.failures.recordFailure(address));
    } catch (err) {
      if (err instanceof TooManyAuthFailuresError) throw err;
      // Redis unreachable: the attempt is refused (401) all the same, only not counted.
      deps.logger.warn({ err: (err as Error).message }, 'could not count an authentication failure');
    }
  }

  async function refuseIfBlocked(address: string): Promise<void> {
    try {
      // Straight on the fail-fast connection, not through withRedis: a right token never waits for Redis to come back.
      await deps.failures.refuseIfBlocked(address);
    } catch (err) {
      if (err instanceof TooManyAuthFailuresError) throw err;
      // Redis unreachable: the credentials were checked without it and were right, so they pass. The limit brakes
      // floods of wrong guesses, which meanwhile still get 401 (uncounted); refusing right ones with 503 would lock
      // operators out of the API (the postback log, conversions, all in Postgres) just when they need it.
      deps.logger.warn({ err: (err as Error).message }, 'could not check the admin failed-login limit; letting the right token in');
    }
  }

  const requireAdmin: RequestHandler = async (req, res, next) => {
    const address = req.ip ?? '';
    const header = req.headers.authorization ?? '';
    const cookie = sessionCookieOf(req);
    // The token first: scripts and Prometheus never wait on the session check's Redis read.
    let operator: string | undefined;
    if (header.startsWith('Bearer ') && isToken(header.slice(7))) operator = fingerprint;
    else if (cookie !== undefined) operator = (await deps.sessions.verify(cookie))?.operator;
    if (operator === undefined) {
      if (header !== '' || cookie !== undefined) await recordFailure(address);
      if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html') {
        return void res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      return void res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'missing or wrong admin token' });
    }
    await refuseIfBlocked(address);
    // A name the caller gives wins over the session's; without one, the session's name or the token's fingerprint.
    const actor: Actor = { operator: operatorFromHeader(req.headers['x-operator']) ?? operator, source: address };
    res.locals.actor = actor;
    next();
  };

  return { requireAdmin, isToken, recordFailure, refuseIfBlocked };
}

/** Who an authenticated admin request acts as (set by requireAdmin, or by the login and logout routes). */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new Error('no actor: the route is not behind requireAdmin');
  return actor;
}

/** The request's session cookie, if it sent one. */
export function sessionCookieOf(req: Request): string | undefined {
  return req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
}

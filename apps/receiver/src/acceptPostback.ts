import type { Request, Response } from 'express';
import type { AuthFailureLimiter } from '@postback/core';
import { authenticate } from './authenticate.js';
import type { EnqueueBatcher } from './enqueueBatcher.js';
import { sendError } from './httpErrors.js';
import type { KeyCache } from './keyCache.js';
import type { RecordAnswer } from './recordAnswer.js';
import { validatePostback } from './validation/index.js';

export interface AcceptPostbackDeps {
  keys: KeyCache;
  /** Counts unknown and revoked keys per client address (see AuthFailureLimiter in core). */
  keyFailures: AuthFailureLimiter;
  /** Rate-limits and stores postbacks (see EnqueueBatcher). */
  batcher: EnqueueBatcher;
}

const ACCEPTED_HEADERS = Object.freeze({ 'Content-Type': 'application/json; charset=utf-8' });

/**
 * The postback route once the request is read (and, on POST, its body parsed and checked):
 * validate → authenticate → admit and enqueue → 202. A refusal is thrown and answered by httpErrors.ts, except the
 * rate limit's 429, which is a verdict rather than an error.
 */
export function acceptPostback(deps: AcceptPostbackDeps, recordAnswer: RecordAnswer) {
  return async (req: Request, res: Response): Promise<void> => {
    const postback = validatePostback(req);
    const found = authenticate(deps.keys, deps.keyFailures, postback.key, req);
    const endpoint = found instanceof Promise ? await found : found;
    res.locals.endpointId = endpoint.endpointId;

    // The requests of this event-loop turn share one admission call (rate limits, receipt sequence numbers) and
    // one add to the queue: see EnqueueBatcher.
    const verdict = await deps.batcher.admitAndEnqueue({
      endpointId: endpoint.endpointId,
      scope: endpoint.scope,
      transactionId: postback.transactionId,
      reason: postback.reason,
      receivedAt: Date.now(),
    });
    if (!verdict.stored) {
      res.set('Retry-After', String(verdict.retryAfterSeconds));
      sendError(res, 429, 'rate limit exceeded for this key');
      recordAnswer(req, res, 429);
      return;
    }
    const { postbackId } = verdict;
    res.locals.postbackId = postbackId;
    // Written directly rather than through res.json(): Express's send() (content-type negotiation, freshness
    // checks) is measurable at burst rates and buys nothing for this fixed answer.
    res.writeHead(202, ACCEPTED_HEADERS);
    res.end(`{"status":"accepted","postback_id":"${postbackId}"}`);
    recordAnswer(req, res, 202);
  };
}

import type { RequestHandler } from 'express';
import { BodyTooLargeError } from './bodyTooLargeError.js';

/**
 * Refuses a body whose Content-Length is over the limit before reading any of it. The body parsers refuse it too,
 * but only once they have read the request to its end (body-parser drains it before passing its error on), so a
 * client declaring 500 MB would hold the connection for as long as it takes to send them.
 */
export function refuseDeclaredOversizedBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    // Node has already refused a Content-Length that is not a plain decimal number.
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) throw new BodyTooLargeError(limitBytes);
    next();
  };
}

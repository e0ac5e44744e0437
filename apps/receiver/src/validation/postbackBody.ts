import express, { type RequestHandler } from 'express';
import { refuseDeclaredOversizedBody } from './declaredBodySize.js';
import { refuseMalformedForm } from './formEncoding.js';
import { POSTBACK_FIELDS } from './postbackFields.js';
import { refuseRepeatedJsonFields } from './repeatedJsonFields.js';
import { refuseUnreadBody } from './unreadBody.js';

const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The middleware that reads a POST's body: a form or a JSON object of at most 16 kB, each checked while it is
 * parsed (the raw text is only at hand in `verify`), and anything else refused. A body declared over the limit is
 * refused before it is read.
 */
export function postbackBodyParsers(): RequestHandler[] {
  const forms = express.urlencoded({
    extended: false,
    limit: BODY_LIMIT_BYTES,
    // As many parameters as 16 kB can hold (one more than its `&`s): the size limit is the only one, so a form
    // with many unknown parameters is read like any other and every copy of a repeated field is seen. A parameter
    // limit of its own would answer 413 to a small body.
    parameterLimit: BODY_LIMIT_BYTES + 1,
    verify: (_req, _res, raw) => refuseMalformedForm(raw.toString('latin1')),
  });
  const json = express.json({
    limit: BODY_LIMIT_BYTES,
    strict: true,
    verify: (_req, _res, raw) => refuseRepeatedJsonFields(raw.toString('utf8'), POSTBACK_FIELDS),
  });
  return [refuseDeclaredOversizedBody(BODY_LIMIT_BYTES), forms, json, refuseUnreadBody];
}

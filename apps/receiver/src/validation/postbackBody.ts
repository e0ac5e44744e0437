import express, { type RequestHandler } from 'express';
import { refuseMalformedForm } from './formEncoding.js';
import { POSTBACK_FIELDS } from './postbackFields.js';
import { refuseRepeatedJsonFields } from './repeatedJsonFields.js';
import { refuseUnreadBody } from './unreadBody.js';

const BODY_LIMIT = '16kb';

/**
 * The middleware that reads a POST's body: a form or a JSON object of at most 16 kB, each checked while it is
 * parsed (the raw text is only at hand in `verify`), and anything else refused.
 */
export function postbackBodyParsers(): RequestHandler[] {
  const forms = express.urlencoded({
    extended: false,
    limit: BODY_LIMIT,
    parameterLimit: 50,
    verify: (_req, _res, raw) => refuseMalformedForm(raw.toString('latin1')),
  });
  const json = express.json({
    limit: BODY_LIMIT,
    strict: true,
    verify: (_req, _res, raw) => refuseRepeatedJsonFields(raw.toString('utf8'), POSTBACK_FIELDS),
  });
  return [forms, json, refuseUnreadBody];
}

import { z } from 'zod';
import { REASON_MAX } from '@postback/core';
import { AdminInputError, UnsupportedMediaTypeError } from '../adminErrors.js';
import { int4Id, text } from '../services/inputTypes.js';
import { parseInput } from '../services/parseInput.js';

export type UploadFormat = 'csv' | 'ndjson';

const FORMATS: Readonly<Record<string, UploadFormat>> = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' };
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

// One object, not a union of two: a bad id is then an error about that id, not "give exactly one".
export const querySchema = z
  .strictObject({
    advertiser_id: int4Id.optional(),
    offer_id: int4Id.optional(),
    /** The reason of every row that gives none. */
    reason: text(REASON_MAX).optional(),
    dry_run: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  })
  .refine((q) => (q.advertiser_id === undefined) !== (q.offer_id === undefined), {
    message: 'give exactly one of advertiser_id (every offer of the advertiser) or offer_id (one offer)',
  });

/** An upload as it arrives (an HTTP request, or a file the CLI opened): what it says of itself, and its body. */
export interface UploadHead {
  query: unknown;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  idempotencyKey: string | undefined;
}

/** What an upload asks for, checked before a byte of its body is read. */
export interface BulkRequest {
  scope: { advertiserId: number; offerId?: undefined } | { offerId: number; advertiserId?: undefined };
  reason: string | undefined;
  dryRun: boolean;
  format: UploadFormat;
  idempotencyKey: string | undefined;
}

export function parseBulkRequest(head: UploadHead): BulkRequest {
  const q = parseInput(querySchema, head.query);
  return {
    scope: q.offer_id !== undefined ? { offerId: q.offer_id } : { advertiserId: q.advertiser_id! },
    reason: q.reason,
    dryRun: q.dry_run === 'true',
    format: formatOf(head.contentType, head.contentEncoding),
    idempotencyKey: idempotencyKeyOf(head.idempotencyKey),
  };
}

/** text/csv or application/x-ndjson, in UTF-8 (the charset may say so, or be left out), not compressed. */
function formatOf(contentType: string | undefined, contentEncoding: string | undefined): UploadFormat {
  if (contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity') {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${JSON.stringify(contentEncoding.slice(0, 40))}: send the file uncompressed`);
  }
  const [type = '', ...params] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const format = FORMATS[type];
  if (!format) throw new UnsupportedMediaTypeError('send the file as text/csv (header transaction_id[,reason]) or application/x-ndjson');
  for (const param of params) {
    const [name, value = ''] = param.split('=').map((p) => p.trim());
    if (name === 'charset' && value.replace(/"/g, '') !== 'utf-8') throw new UnsupportedMediaTypeError('the file must be UTF-8 (charset=utf-8)');
  }
  return format;
}

/** The Idempotency-Key header: 1-200 printable ASCII characters. */
function idempotencyKeyOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = raw.trim();
  if (!/^[\x20-\x7e]{1,200}$/.test(key)) {
    throw new AdminInputError(`${IDEMPOTENCY_KEY_HEADER}: 1-200 printable ASCII characters`, IDEMPOTENCY_KEY_HEADER);
  }
  return key;
}

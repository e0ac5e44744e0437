import type { Request, Response } from 'express';
import type { KeyCache } from '../keyCache.js';
import { pathWithKeyMasked } from './maskKey.js';
import type { RefusalFacts, RefusalRecorder } from './refusalRecorder.js';

/** Records one refused request (its answer already given). */
export type RecordRefusal = (req: Request, res: Response, status: number) => void;

// The longest key the validation reads (validation/postbackFields.ts): anything longer is no key of ours.
const KEY_MAX = 256;

/**
 * What recordAnswer calls for every refusal on the postback route. A refusal made before the key was looked up (a
 * bad field, a wrong method, plain HTTP) whose request carries a key is still put under that key's endpoint, so an
 * account manager sees a URL's misconfigured requests: the key is looked up then, through the receiver's key cache
 * (a look-up that the request would have cost had its fields been right), after the answer, and never counted as a
 * key failure. A key refused as unknown (401, or the key-failure limit's 429) is not looked up again.
 */
export function createRecordRefusal(recorder: RefusalRecorder, keys: KeyCache): RecordRefusal {
  return (req, res, status) => {
    const facts: RefusalFacts = {
      status,
      error: (res.locals.error as string | undefined) ?? '',
      field: res.locals.errorField as string | undefined,
      endpointId: res.locals.endpointId as number | undefined,
      client: req.ip ?? '',
    };
    const pathOf = () => pathWithKeyMasked(req.originalUrl);
    const key = facts.endpointId === undefined && facts.field !== 'key' && status !== 401 ? keyCarriedBy(req) : undefined;
    if (key === undefined) return recorder.record(facts, pathOf);
    // The path is taken now: req is not for keeping past this call.
    const path = pathOf();
    let found;
    try {
      found = keys.resolve(key);
    } catch {
      found = null;
    }
    if (!(found instanceof Promise)) return recorder.record({ ...facts, endpointId: found?.endpointId }, () => path);
    found.then(
      (entry) => recorder.record({ ...facts, endpointId: entry?.endpointId }, () => path),
      () => recorder.record(facts, () => path),
    );
  };
}

function keyCarriedBy(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const key = (req.query as Record<string, unknown> | undefined)?.key ?? (typeof body === 'object' && body !== null ? body.key : undefined);
  return typeof key === 'string' && key !== '' && key.length <= KEY_MAX ? key : undefined;
}

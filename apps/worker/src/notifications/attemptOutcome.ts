import { BadDestinationError, DeliveryTransportError, DestinationRefusedError } from './errors/index.js';

/** The delivery log's result of one attempt (delivery_result). */
export type DeliveryResult = 'delivered' | 'retrying' | 'failed';

/** What one attempt came to: an answer (its status and Retry-After), or the error that kept it from one. */
export type AttemptEnd = { statusCode: number; retryAfterMs?: number } | { error: unknown };

export interface AttemptOutcome {
  result: DeliveryResult;
  /** What went wrong, for the log and the notification's last_error; null when delivered. */
  error: string | null;
  /** 410 Gone: the destination says the postback is gone for good, so it is paused. */
  gone: boolean;
  /** Failed whatever attempts remain (no retry could change it): dead-lettered at once. */
  permanent: boolean;
  retryAfterMs?: number;
}

/**
 * What an attempt's end means: 2xx delivered; a network error, a timeout, 5xx, 408 or 429 worth another attempt
 * (failed once it was the last); 410 failed and gone; any other answer, a refused or bad destination failed at once.
 */
export function attemptOutcome(end: AttemptEnd, lastAttempt: boolean): AttemptOutcome {
  if ('error' in end) {
    const { error } = end;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof DestinationRefusedError || error instanceof BadDestinationError) return failed(message);
    // A transport error, or one nobody foresaw: worth another attempt rather than losing the notification.
    return retrying(error instanceof DeliveryTransportError ? message : `${error instanceof Error ? error.name : 'error'}: ${message}`);
  }
  const { statusCode } = end;
  if (statusCode >= 200 && statusCode < 300) return { result: 'delivered', error: null, gone: false, permanent: false };
  const answered = `HTTP ${statusCode}`;
  if (statusCode === 410) return { ...failed('HTTP 410 Gone'), gone: true };
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    return { ...retrying(answered), ...(end.retryAfterMs === undefined ? {} : { retryAfterMs: end.retryAfterMs }) };
  }
  return failed(answered);

  function retrying(error: string): AttemptOutcome {
    return { result: lastAttempt ? 'failed' : 'retrying', error, gone: false, permanent: false };
  }
}

function failed(error: string): AttemptOutcome {
  return { result: 'failed', error, gone: false, permanent: true };
}

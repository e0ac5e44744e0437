import { UnrecoverableError } from 'bullmq';

/**
 * A job that no retry can apply: a payload the worker cannot read, or a postback whose data Postgres refuses
 * (a constraint or data exception, SQLSTATE class 22/23). As a BullMQ UnrecoverableError it fails at once
 * whatever attempts remain, and so goes straight to the dead-letter queue.
 */
export class PermanentJobError extends UnrecoverableError {
  override name = 'PermanentJobError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

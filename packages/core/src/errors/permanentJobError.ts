import { UnrecoverableError } from 'bullmq';

/**
 * A job that no retry can apply (a payload the worker cannot read). As a BullMQ UnrecoverableError it fails
 * at once whatever attempts remain, and so goes straight to the dead-letter queue.
 */
export class PermanentJobError extends UnrecoverableError {
  override name = 'PermanentJobError';
}

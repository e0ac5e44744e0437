import { UnrecoverableError } from 'bullmq';

/**
 * An attempt no retry can fix (410 Gone, another 4xx, a refused or bad destination, an unreadable job): as a
 * BullMQ UnrecoverableError the job fails at once, whatever attempts remain, and is dead-lettered.
 */
export class FailedDeliveryError extends UnrecoverableError {
  override name = 'FailedDeliveryError';
}

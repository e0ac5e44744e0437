import { TransientStoreError } from './transientStoreError.js';

/** Another process is moving the same job between the main and dead-letter queues; trying again shortly works. */
export class JobMoveBusyError extends TransientStoreError {
  override name = 'JobMoveBusyError';
}

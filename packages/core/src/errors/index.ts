export { InvalidPostback } from './invalidPostback.js';
export { UnknownKey } from './unknownKey.js';
export { TransientStoreError } from './transientStoreError.js';
export { PermanentJobError } from './permanentJobError.js';
export { TooManyKeyFailures } from './tooManyKeyFailures.js';
export { JobMoveBusy } from './jobMoveBusy.js';

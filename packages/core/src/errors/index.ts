export { InvalidPostbackError } from './invalidPostbackError.js';
export { UnknownKeyError } from './unknownKeyError.js';
export { TransientStoreError } from './transientStoreError.js';
export { PermanentJobError } from './permanentJobError.js';
export { TooManyAuthFailuresError } from './tooManyAuthFailuresError.js';
export { TooManyKeyFailuresError } from './tooManyKeyFailuresError.js';
export { JobMoveBusyError } from './jobMoveBusyError.js';
export { ReplicationTimeoutError } from './replicationTimeoutError.js';

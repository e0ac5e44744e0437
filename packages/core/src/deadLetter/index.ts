// The dead-letter protocol, for any queue and any kind of job: what an entry holds, moving a failed job in (and
// sweeping what a crash left behind), replaying it out or dropping it, telling its error kind, and the lock that
// every one of those moves holds.
export { DEAD_LETTER_JOB_NAME, type DeadLetterData } from './deadLetterData.js';
export type { DeadLetterPair, JobKind } from './deadLetterPair.js';
export { errorKindOf, type FailureFacts } from './errorKind.js';
export { JobMoveLock } from './jobMoveLock.js';
export { moveToDeadLetter, sweepFailedJobs } from './moveToDeadLetter.js';
export { removeDeadLetter } from './removeDeadLetter.js';
export { replayDeadLetter, type ReplayOutcome } from './replayDeadLetter.js';

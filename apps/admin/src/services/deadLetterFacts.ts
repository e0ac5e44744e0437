import { errorKindOf, postbacksInJobData, type DeadLetterData, type Postback } from '@postback/core';

/** What operators see of a dead-letter entry and filter it by. */
export interface DeadLetterFacts {
  deadLetteredAt: number;
  /** See errorKindOf: recorded by the worker, or told from the entry for those that recorded none. */
  errorKind: string;
  postbacks: Postback[] | 'unreadable';
}

export function deadLetterFactsOf(data: DeadLetterData): DeadLetterFacts {
  const postbacks = postbacksInJobData(data.job);
  return {
    deadLetteredAt: data.deadLetteredAt,
    errorKind: errorKindOf({ readable: postbacks !== 'unreadable', failedReason: data.failedReason, errorKind: data.errorKind }),
    postbacks,
  };
}

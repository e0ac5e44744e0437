import { randomUUID } from 'node:crypto';
import type { DeadLetterData, DeadLetterQueue } from '@postback/core';

let seq = 0;

/**
 * A dead-lettered v: 1 job as the worker leaves it, for tests of what operators do with the dead-letter queue.
 * `errorKind: null` leaves the kind out, as the sweep (or an older worker) does.
 */
export async function givenDeadLetter(
  deadLetters: DeadLetterQueue,
  opts: {
    errorKind?: string | null;
    failedReason?: string;
    deadLetteredAt?: number;
    advertiserId?: number;
    offerId?: number | null;
    endpointId?: number;
    transactionId?: string;
    unreadable?: boolean;
  } = {},
): Promise<string> {
  const id = randomUUID();
  seq += 1;
  const job = opts.unreadable
    ? { v: 99, garbage: true }
    : {
        v: 1,
        postbackId: id,
        endpointId: opts.endpointId ?? 1,
        scope: { advertiserId: opts.advertiserId ?? 1, offerId: opts.offerId === undefined ? 1 : opts.offerId },
        transactionId: opts.transactionId ?? `dead-tx-${seq}`,
        reason: 'fraud',
        seq,
        receivedAt: Date.now(),
      };
  const data: DeadLetterData = {
    job,
    failedReason: opts.failedReason ?? 'refused for good',
    errors: ['refused for good'],
    attemptsMade: 1,
    deadLetteredAt: opts.deadLetteredAt ?? Date.now(),
    ...(opts.errorKind === null ? {} : { errorKind: opts.errorKind ?? (opts.unreadable ? 'unreadable' : 'P0001') }),
  };
  await deadLetters.add('dead', data, { jobId: id });
  return id;
}

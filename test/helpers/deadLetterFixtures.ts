import { randomUUID } from 'node:crypto';
import { deliveryJobOf, type DeadLetterData, type DeadLetterQueue } from '@postback/core';

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

/**
 * A dead-lettered delivery job as the delivery worker leaves it, for a notification id. With `target` the job carries
 * who the notification is for, as the relay queues it now; without, it is a job queued before the relay did.
 */
export async function givenDeliveryDeadLetter(
  deadLetters: DeadLetterQueue,
  opts: {
    notificationId?: string;
    target?: { affiliatePostbackId: number | null; alertRuleId: number | null; transactionId: string | null };
    errorKind?: string;
    deadLetteredAt?: number;
  } = {},
): Promise<string> {
  const id = opts.notificationId ?? randomUUID();
  const data: DeadLetterData = {
    job: opts.target ? deliveryJobOf({ id, ...opts.target }) : { v: 1, notificationId: id },
    failedReason: '404 Not Found from 127.0.0.1',
    errors: ['404 Not Found from 127.0.0.1'],
    attemptsMade: 1,
    deadLetteredAt: opts.deadLetteredAt ?? Date.now(),
    errorKind: opts.errorKind ?? 'FailedDeliveryError',
  };
  await deadLetters.add('dead', data, { jobId: id });
  return id;
}

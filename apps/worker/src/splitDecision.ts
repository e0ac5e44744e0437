import { TransientStoreError, type Outcome } from '@postback/core';

/** How many of a job's postbacks ended with each outcome. */
export type OutcomeCounts = Partial<Record<Outcome, number>>;

/**
 * What happens to a job once each of its postbacks has been applied or has failed:
 * - `outage`: Postgres was unreachable for one of them → the job goes back whole, spending no attempt (the
 *   postbacks already applied are recognised as such when it comes back);
 * - `done`: every postback has its outcome → the job completes;
 * - `retry`: a job of one postback (v: 1) failed → BullMQ retries it with backoff, then dead-letters it;
 * - `split`: some postbacks of a job of several (v: 2) failed → each of those goes back as a job of its own (v: 1),
 *   so it retries and dead-letters alone; the rest are done.
 */
export type SplitDecision =
  | { kind: 'outage'; error: TransientStoreError }
  | { kind: 'done'; outcomes: OutcomeCounts }
  | { kind: 'retry'; error: unknown }
  | { kind: 'split'; outcomes: OutcomeCounts; failed: Array<{ index: number; error: unknown }> };

/** The decision for a job of `version` whose postbacks settled as `settled`, in the job's order. */
export function decideSplit(settled: ReadonlyArray<PromiseSettledResult<Outcome>>, version: 1 | 2): SplitDecision {
  // An outage wins over any other failure: retrying or splitting off while Postgres is away would spend attempts.
  for (const s of settled) {
    if (s.status === 'rejected' && s.reason instanceof TransientStoreError) return { kind: 'outage', error: s.reason };
  }
  const outcomes: OutcomeCounts = {};
  const failed: Array<{ index: number; error: unknown }> = [];
  settled.forEach((s, index) => {
    if (s.status === 'fulfilled') outcomes[s.value] = (outcomes[s.value] ?? 0) + 1;
    else failed.push({ index, error: s.reason });
  });
  if (failed.length === 0) return { kind: 'done', outcomes };
  if (version === 1) return { kind: 'retry', error: failed[0]!.error };
  return { kind: 'split', outcomes, failed };
}

import { PermanentJobError, TransientStoreError } from '@postback/core';

/** An item waiting for its batch, and where its result goes: its place among the items submitted with it. */
interface Pending<I, O> {
  item: I;
  group: Group<O>;
  index: number;
}

/** The items of one submitAll() call: settled when the last of them is. */
interface Group<O> {
  results: Array<PromiseSettledResult<O>>;
  remaining: number;
  done: (results: Array<PromiseSettledResult<O>>) => void;
}

export interface ApplyBatcherOptions {
  maxSize: number;
  /** How long the first item of a batch waits for company before the batch is applied anyway. */
  maxWaitMs: number;
  /** Batches applied at once; while all are busy, new items gather into the next, larger batch. */
  maxInFlight: number;
  /** Tells whether a failure means the store is unreachable (then retrying item by item is pointless). */
  isUnreachable: (err: unknown) => Promise<boolean>;
  /** Tells whether an item's own failure would recur on every retry (then it fails with a PermanentJobError). */
  isPermanent: (err: unknown) => boolean;
  /** Told of every failed apply call, and whether the store was unreachable (for the metrics). */
  onFailure?: (unreachable: boolean) => void;
}

/**
 * Gathers the items of concurrently running jobs into batches for one `apply` call each, and hands every item
 * its own result. When the store is unreachable every item fails with a TransientStoreError; when a batch fails
 * for any other reason it is split in two halves, each applied in one call, and a failing half again, down to the
 * items that fail alone: one bad item among n costs about 2·log2(n) calls, not n, and fails alone, not its
 * neighbours (with a PermanentJobError when its failure is one no retry can cure). When both halves fail for a
 * reason that is not the data's, the halving stops there (see isolate). The halves are applied one after the other,
 * so a batch holding two postbacks of one conversion may apply the later before the earlier: the earlier is then
 * superseded, as one arriving late would be.
 */
export class ApplyBatcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    private readonly apply: (items: I[]) => Promise<O[]>,
    private readonly options: ApplyBatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return this.submitAll([item]).then(([result]) => (result!.status === 'fulfilled' ? result!.value : Promise.reject(result!.reason)));
  }

  /**
   * Submits items together (a job's postbacks) and answers each one's result, in the order given, once all are
   * settled: what Promise.allSettled over submit() would answer, without a promise per item (a job carries up to
   * 500 postbacks, and a promise, its callbacks and its settled record each were garbage for the worker to collect).
   */
  submitAll(items: readonly I[]): Promise<Array<PromiseSettledResult<O>>> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((done) => {
      const group: Group<O> = { results: new Array(items.length), remaining: items.length, done };
      for (let index = 0; index < items.length; index++) this.pending.push({ item: items[index]!, group, index });
      if (this.pending.length >= this.options.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight < this.options.maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.maxSize);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.flush();
      });
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    const failure = await this.attempt(batch);
    if (failure === undefined) return;
    if (failure.unreachable) rejectAll(batch, unreachable(failure.err));
    else await this.isolate(batch, failure.err);
  }

  /** Applies the batch in one call and resolves its items; or answers how the call failed, settling nothing. */
  private async attempt(batch: Pending<I, O>[]): Promise<Failure | undefined> {
    try {
      const results = await this.apply(batch.map((p) => p.item));
      batch.forEach((p, i) => settle(p, { status: 'fulfilled', value: results[i]! }));
      return undefined;
    } catch (err) {
      const isUnreachable = await this.options.isUnreachable(err);
      this.options.onFailure?.(isUnreachable);
      return { err, unreachable: isUnreachable };
    }
  }

  /** Settles every item of a batch that failed with `err` (the store reachable): the halves, then their halves. */
  private async isolate(batch: Pending<I, O>[], err: unknown): Promise<void> {
    if (batch.length === 1) {
      // Failing alone, in a transaction of its own: the failure is this item's, so its kind decides.
      const reason = this.options.isPermanent(err) ? new PermanentJobError(permanentMessage(err), { cause: err }) : err;
      settle(batch[0]!, { status: 'rejected', reason });
      return;
    }
    const half = Math.ceil(batch.length / 2);
    const [first, second] = [batch.slice(0, half), batch.slice(half)];
    const firstFailure = await this.attempt(first);
    if (firstFailure?.unreachable) return rejectAll(batch, unreachable(firstFailure.err));
    const secondFailure = await this.attempt(second);
    if (secondFailure?.unreachable) return rejectAll(firstFailure ? batch : second, unreachable(secondFailure.err));
    if (firstFailure && secondFailure && !this.options.isPermanent(firstFailure.err) && !this.options.isPermanent(secondFailure.err)) {
      // Both halves failed, and not for a reason of the data (a lock or statement timeout, no connection to be had):
      // halving further would most likely fail the same way, one transaction after another. Each item fails with
      // its half's error, and retries as a job of its own.
      rejectAll(first, firstFailure.err);
      rejectAll(second, secondFailure.err);
      return;
    }
    if (firstFailure) await this.isolate(first, firstFailure.err);
    if (secondFailure) await this.isolate(second, secondFailure.err);
  }
}

interface Failure {
  err: unknown;
  unreachable: boolean;
}

function rejectAll<O>(batch: ReadonlyArray<Pending<unknown, O>>, err: unknown): void {
  for (const p of batch) settle(p, { status: 'rejected', reason: err });
}

/** Gives an item its result (once: a second result is ignored, as a promise's would be). */
function settle<O>(p: Pending<unknown, O>, result: PromiseSettledResult<O>): void {
  const { group } = p;
  if (group.results[p.index] !== undefined) return;
  group.results[p.index] = result;
  group.remaining -= 1;
  if (group.remaining === 0) group.done(group.results);
}

function unreachable(cause: unknown): TransientStoreError {
  return new TransientStoreError('the database is unreachable', { cause });
}

function permanentMessage(err: unknown): string {
  return `refused for good: ${err instanceof Error ? err.message : String(err)}`;
}

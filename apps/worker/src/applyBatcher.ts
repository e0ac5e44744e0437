import { PermanentJobError, TransientStoreError } from '@postback/core';

interface Pending<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
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
 * for any other reason it is split in two halves, applied one after the other, and so on down to the items that
 * fail alone: one bad item among n costs about 2·log2(n) transactions, not n, and fails alone, not its neighbours
 * (with a PermanentJobError when its failure is one no retry can cure). The halves keep the batch's order, so a
 * later postback of a conversion is still applied after an earlier one.
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
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
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
    try {
      const results = await this.apply(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      const unreachable = await this.options.isUnreachable(err);
      this.options.onFailure?.(unreachable);
      if (unreachable) {
        const failure = new TransientStoreError('the database is unreachable', { cause: err });
        for (const p of batch) p.reject(failure);
      } else if (batch.length === 1) {
        // Failing alone, in a transaction of its own: the failure is this item's, so its kind decides.
        batch[0]!.reject(this.options.isPermanent(err) ? new PermanentJobError(permanentMessage(err), { cause: err }) : err);
      } else {
        const half = Math.ceil(batch.length / 2);
        await this.run(batch.slice(0, half));
        await this.run(batch.slice(half));
      }
    }
  }
}

function permanentMessage(err: unknown): string {
  return `refused for good: ${err instanceof Error ? err.message : String(err)}`;
}

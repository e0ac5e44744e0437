import { isStoreUnreachable } from '@postback/core';

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
}

/**
 * Gathers the items of concurrently running jobs into batches for one `apply` call each, and hands every item
 * its own result. When a batch fails for any reason but an unreachable store, its items are applied one by one
 * so that one bad item fails alone instead of failing its neighbours.
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
      if (batch.length === 1 || isStoreUnreachable(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) await this.run([p]);
    }
  }
}

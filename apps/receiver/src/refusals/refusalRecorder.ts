import type { Logger, Refusal } from '@postback/core';

/** What a refused request tells the recorder; its path is asked for only when it starts a new entry. */
export type RefusalFacts = Omit<Refusal, 'path' | 'count'>;

/** Writes one turn's entries (refusalStreams.ts); rejects when Redis did not take them. */
export type WriteRefusals = (refusals: readonly Refusal[]) => Promise<unknown>;

export interface RefusalCounts {
  /** Refused requests recorded (an entry of count n is n requests). */
  recorded: (requests: number) => void;
  /** Refused requests not recorded: Redis failed, or a flood outran the bound on entries waiting. */
  dropped: (requests: number) => void;
}

// Distinct entries waiting for Redis at most (each a few hundred bytes): past it, a refusal is counted as dropped.
const MAX_PENDING = 1000;
// One write in flight at most: meanwhile the next turns' refusals wait, and collapse, in `pending`, so a flood
// costs Redis one call per round trip rather than one per turn (bench --refusals measured both).
const MAX_IN_FLIGHT = 1;
// A Redis that stays down is logged once per this, not once per refusal.
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Records refused postback requests in Redis without ever holding up or changing an answer. Like EnqueueBatcher,
 * the refusals of one event-loop turn go out in one write; refusals alike (client, status, error, field, endpoint)
 * within it become one entry with a count — under a flood of bad keys from one address, one entry per turn rather
 * than one per request, whatever paths the requests carry (the first one's is kept). The bound on waiting entries
 * and on writes in flight keeps a flood from many addresses, or a slow Redis, from growing memory: past them
 * refusals are dropped and counted, never queued without end. A failed write is counted and logged, never thrown.
 */
export class RefusalRecorder {
  private pending = new Map<string, Refusal>();
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private droppedSinceLog = 0;
  private lastLoggedAt = -Infinity;

  constructor(
    private readonly write: WriteRefusals,
    private readonly counts: RefusalCounts,
    private readonly logger?: Logger,
  ) {}

  record(facts: RefusalFacts, pathOf: () => string): void {
    const id = `${facts.status}\u0000${facts.client}\u0000${facts.endpointId ?? ''}\u0000${facts.field ?? ''}\u0000${facts.error}`;
    const alike = this.pending.get(id);
    if (alike) {
      alike.count += 1;
      return;
    }
    if (this.pending.size >= MAX_PENDING) return this.counts.dropped(1);
    this.pending.set(id, { ...facts, path: pathOf(), count: 1 });
    this.schedule();
  }

  /** Resolves once every refusal recorded so far is written or dropped. */
  async drain(): Promise<void> {
    while (this.pending.size > 0 || this.inFlight.size > 0) {
      if (this.inFlight.size < MAX_IN_FLIGHT) this.flush();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.pending.size === 0 || this.inFlight.size >= MAX_IN_FLIGHT) return;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    const requests = entries.reduce((sum, e) => sum + e.count, 0);
    const written = Promise.resolve()
      .then(() => this.write(entries))
      .then(
        () => this.counts.recorded(requests),
        (err: unknown) => this.failed(err, requests),
      )
      .finally(() => {
        this.inFlight.delete(written);
        // What waited while the write was out goes now.
        if (this.pending.size > 0) this.schedule();
      });
    this.inFlight.add(written);
  }

  private failed(err: unknown, requests: number): void {
    this.counts.dropped(requests);
    this.droppedSinceLog += requests;
    const now = performance.now();
    if (now - this.lastLoggedAt < FAILURE_LOG_INTERVAL_MS) return;
    this.lastLoggedAt = now;
    this.logger?.warn(
      { err: err instanceof Error ? err.message : String(err), dropped: this.droppedSinceLog },
      'could not record refused requests in redis (logged at most once a minute; the answers were not affected)',
    );
    this.droppedSinceLog = 0;
  }
}

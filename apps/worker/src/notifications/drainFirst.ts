/**
 * The rejection drain comes first in a worker process: while it is under way (at least `burstPerSecond` postbacks a
 * second applied over the last `quietMs`), the delivery worker's database steps (reading and claiming
 * notifications, recording attempts) take turns, at most `whileDraining` at once, and the outbox relay hands only
 * `handsPerSecond`; below that, they run as freely as DELIVERY_CONCURRENCY lets them. Steady traffic is not a drain:
 * a worker applying a few postbacks a second never holds its notifications back. A
 * delivery costs the single-threaded process tens of times what one rejection does (bench --affiliates), so with
 * notifications due at once (delay 0) and a backlog of them, fifty deliveries in flight beside the batches took half
 * the drain's speed. The HTTP exchange is never gated: a slow affiliate holds no turn, and a turn is a few
 * milliseconds, so a delivery still advances while the drain runs, only fewer at once.
 */
export class DrainFirst {
  /** The batches applied within the last quietMs, oldest first, and their postbacks in all. */
  private readonly recent: Array<{ at: number; count: number }> = [];
  private recentCount = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** The relay's allowance while draining: a token bucket of handsPerSecond, holding at most a second's worth. */
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly whileDraining: number,
    private readonly quietMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly handsPerSecond = Number.POSITIVE_INFINITY,
    private readonly burstPerSecond = 0,
  ) {
    this.tokens = Number.isFinite(handsPerSecond) ? handsPerSecond : 0;
    this.refilledAt = now();
  }

  /** Told by the applier at every batch, with its postbacks. */
  batchApplied(count = 1): void {
    this.forgetOld();
    this.recent.push({ at: this.now(), count });
    this.recentCount += count;
  }

  draining(): boolean {
    this.forgetOld();
    return this.recent.length > 0 && this.recentCount >= (this.burstPerSecond * this.quietMs) / 1000;
  }

  private forgetOld(): void {
    const since = this.now() - this.quietMs;
    while (this.recent.length > 0 && this.recent[0]!.at <= since) this.recentCount -= this.recent.shift()!.count;
  }

  /**
   * How many notifications the outbox relay may hand to the delivery queue now, of the `wanted` it would: all of
   * them while the drain is quiet; while it is under way, a second's worth of handsPerSecond
   * (DELIVERY_RATE_WHILE_DRAINING) once a second. The rest stay pending in the outbox, in Postgres, until a later
   * round: every notification handed is a delivery this process makes, and a delivery costs it what a dozen rejections do, so a burst's notifications due
   * at once would take the drain's place. With the default delay (120 s) they are rarely due during the burst.
   */
  handAllowance(wanted: number): number {
    if (!Number.isFinite(this.handsPerSecond)) return wanted;
    const now = this.now();
    this.tokens = Math.min(this.handsPerSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.handsPerSecond);
    this.refilledAt = now;
    if (!this.draining()) return wanted;
    // A second's worth at once, not a few at every batch: the deliveries of a clump share their database batches
    // (notificationBatches.ts), where a trickle would cost a batch each.
    return this.tokens >= this.handsPerSecond ? Math.min(wanted, Math.floor(this.tokens)) : 0;
  }

  /** Told by the relay how many it handed, whether the drain was under way or not. */
  handed(count: number): void {
    this.tokens = Math.max(0, this.tokens - count);
  }

  /** Runs a delivery's database step when its turn comes (at once unless the drain is under way and turns are taken). */
  async turn<T>(step: () => Promise<T>): Promise<T> {
    // A waiting step is counted as running by whoever lets it go, so that two steps ending in one tick cannot both
    // let the same free turn go.
    if (this.draining() && this.running >= this.whileDraining) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await step();
    } finally {
      this.running -= 1;
      this.release();
    }
  }

  /** Lets the next waiting step go, or every one once the drain is quiet. */
  private release(): void {
    const free = this.draining() ? Math.max(0, this.whileDraining - this.running) : this.waiting.length;
    for (const resolve of this.waiting.splice(0, free)) {
      this.running += 1;
      resolve();
    }
  }
}

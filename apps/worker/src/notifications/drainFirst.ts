export interface DrainFirstOptions {
  /** Delivery database steps at once while the drain is under way. */
  whileDraining: number;
  /** How long the backlog must stay under the threshold before the drain counts as over. */
  quietMs: number;
  /** The postbacks this process has yet to apply (Backlog.postbacks). */
  backlog: () => number;
  /** A backlog of this many postbacks or more is a drain under way. */
  backlogThreshold: number;
  /** The relay's rate while draining (DELIVERY_RATE_WHILE_DRAINING); unlimited when absent. */
  handsPerSecond?: number;
  now?: () => number;
}

/**
 * The rejection drain comes first in a worker process: while it is under way (a backlog of at least
 * `backlogThreshold` postbacks yet to apply, or such a backlog within the last `quietMs`), the delivery worker's
 * database steps (reading and claiming notifications, recording attempts) take turns, at most `whileDraining` at
 * once, and the outbox relay hands only `handsPerSecond`; otherwise they run as freely as DELIVERY_CONCURRENCY lets
 * them. A backlog, not a rate: traffic the worker keeps up with, however heavy, never holds notifications back; a
 * queue that grew while the workers were down, or a burst faster than they apply, does. A delivery costs the
 * single-threaded process tens of times what one rejection does (bench --affiliates), so with notifications due at
 * once (delay 0) and a backlog of them, fifty deliveries in flight beside the batches took half the drain's speed.
 * The HTTP exchange is never gated: a slow affiliate holds no turn, and a turn is a few milliseconds, so a delivery
 * still advances while the drain runs, only fewer at once.
 */
export class DrainFirst {
  private readonly whileDraining: number;
  private readonly quietMs: number;
  private readonly backlog: () => number;
  private readonly backlogThreshold: number;
  private readonly handsPerSecond: number;
  private readonly now: () => number;
  /** When the backlog was last seen at or over the threshold. */
  private backlogSeenAt: number | undefined;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** The relay's allowance while draining: a token bucket of handsPerSecond, holding at most a second's worth. */
  private tokens: number;
  private refilledAt: number;

  constructor(options: DrainFirstOptions) {
    this.whileDraining = options.whileDraining;
    this.quietMs = options.quietMs;
    this.backlog = options.backlog;
    this.backlogThreshold = options.backlogThreshold;
    this.handsPerSecond = options.handsPerSecond ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? (() => performance.now());
    this.tokens = Number.isFinite(this.handsPerSecond) ? this.handsPerSecond : 0;
    this.refilledAt = this.now();
  }

  draining(): boolean {
    const now = this.now();
    if (this.backlog() >= this.backlogThreshold) this.backlogSeenAt = now;
    return this.backlogSeenAt !== undefined && now - this.backlogSeenAt < this.quietMs;
  }

  /**
   * How many notifications the outbox relay may hand to the delivery queue now, of the `wanted` it would: all of
   * them while the drain is quiet; while it is under way, a second's worth of handsPerSecond
   * (DELIVERY_RATE_WHILE_DRAINING) once a second. The rest stay pending in the outbox, in Postgres, until a later
   * round: every notification handed is a delivery this process makes, and a delivery costs it what a dozen
   * rejections do, so a burst's notifications due at once would take the drain's place. With the default delay
   * (120 s) they are rarely due during the burst.
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

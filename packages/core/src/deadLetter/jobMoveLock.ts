import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobMoveBusyError } from '../errors/index.js';
import type { RedisConnection } from '../redis.js';

// Longer than any move takes; only a holder that died leaves it to expire.
const LOCK_MS = 30_000;
const POLL_MS = 25;
// Deletes the lock only if this holder still owns it (it may have expired and been taken by another).
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Serialises the two-step moves of one job between a queue and its dead-letter queue (add to one, then remove
 * from the other). Without it, a replay that ran between a worker's dead-letter add and its remove from the source
 * queue would have its fresh copy removed by the worker: the job would be in neither queue. The lock keys sit
 * under the prefix given (for postbacks, the control slot, one home for every shard: a job id is a UUID, one job
 * wherever it is; no lock command runs in the same script as a queue's, so it needs no slot of theirs). Their names
 * are the same as before this class moved here, so processes of the old and the new version exclude each other
 * during a deploy.
 */
export class JobMoveLock {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  /** Runs `move` while no other move of `jobId` runs; waits up to `waitMs` for one under way, then throws JobMoveBusyError. */
  async whileHolding<T>(jobId: string, move: () => Promise<T>, waitMs = 5000): Promise<T> {
    const key = `${this.prefix}:move-lock:${jobId}`;
    const owner = randomUUID();
    const deadline = Date.now() + waitMs;
    while ((await this.redis.set(key, owner, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new JobMoveBusyError(`job ${jobId} is being moved between queues; try again`);
      await sleep(POLL_MS);
    }
    try {
      return await move();
    } finally {
      await this.redis.eval(RELEASE_SCRIPT, 1, key, owner);
    }
  }
}

import { once } from 'node:events';
import { TransientStoreError, type RedisConnection } from '@postback/core';

// How long an admin operation waits for Redis to (re)connect before it gives up: 503 on the API, exit 1 on the CLI.
// A refused connection gives up sooner, at its first error.
const CONNECT_WAIT_MS = 3000;

export type RedisWork = <T>(work: () => Promise<T>) => Promise<T>;

/** How a gate tells an outage from an error of the work itself. */
export interface RedisGateOptions {
  /** The variable that says where Redis is (REDIS_URL, …), for the message. */
  variable: string;
  /**
   * Resolves when the primary the queues live on answers. Asked after work failed on a connection that still says
   * 'ready': a Cluster does while one of its primaries is down.
   */
  probe: () => Promise<unknown>;
}

/**
 * Runs an admin operation's Redis work on a fail-fast connection: waits for the connection (until it is up, fails,
 * or CONNECT_WAIT_MS pass), and reports a failure while Redis is unreachable as a TransientStoreError rather than
 * as the command's own error.
 */
export function redisGate(redis: RedisConnection, options: RedisGateOptions): RedisWork {
  const unreachable = (cause?: unknown) => redisUnreachable(options.variable, cause);
  return async (work) => {
    await untilReady(redis, unreachable);
    try {
      return await work();
    } catch (err) {
      // The connection's state, or a probe, not the message, tells "Redis went away" from an error in the work.
      if (redis.status !== 'ready' || !(await options.probe().then(() => true, () => false))) throw unreachable(err);
      throw err;
    }
  };
}

async function untilReady(redis: RedisConnection, unreachable: (cause?: unknown) => TransientStoreError): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'end') throw unreachable();
  const timeout = AbortSignal.timeout(CONNECT_WAIT_MS);
  try {
    await once(redis, 'ready', { signal: timeout });
  } catch (err) {
    throw unreachable(err);
  }
}

/** The error an admin operation reports when Redis cannot be reached: `variable` says where it was looked for. */
export function redisUnreachable(variable: string, cause?: unknown): TransientStoreError {
  return new TransientStoreError(`redis unreachable (${variable})`, { cause });
}

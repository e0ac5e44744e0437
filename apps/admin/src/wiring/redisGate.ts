import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { TransientStoreError } from '@postback/core';

// How long an admin operation waits for Redis to (re)connect before it gives up: 503 on the API, exit 1 on the CLI.
// A refused connection gives up sooner, at its first error.
const CONNECT_WAIT_MS = 3000;

export type RedisWork = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Runs an admin operation's Redis work on a fail-fast connection: waits for the connection (until it is up, fails,
 * or CONNECT_WAIT_MS pass), and reports a failure while the connection is down as a TransientStoreError rather
 * than as the command's own error.
 */
export function redisGate(redis: Redis): RedisWork {
  return async (work) => {
    await untilReady(redis);
    try {
      return await work();
    } catch (err) {
      // The connection state, not the message, tells "Redis went away" from an error in the work itself.
      if (redis.status !== 'ready') throw unreachable(err);
      throw err;
    }
  };
}

async function untilReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  if (redis.status === 'end') throw unreachable();
  const timeout = AbortSignal.timeout(CONNECT_WAIT_MS);
  try {
    await once(redis, 'ready', { signal: timeout });
  } catch (err) {
    throw unreachable(err);
  }
}

function unreachable(cause?: unknown): TransientStoreError {
  return new TransientStoreError('redis unreachable (REDIS_URL)', { cause });
}

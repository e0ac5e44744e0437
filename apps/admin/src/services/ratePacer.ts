import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces out work to at most ratePerSecond items a second: the n-th call returns no sooner than n / rate seconds
 * after start, so however the work itself goes, n items never finish in less than n / rate seconds. Resolves
 * false (at once) when the signal aborts.
 */
export function createRatePacer(ratePerSecond: number, start: number, signal?: AbortSignal): () => Promise<boolean> {
  let count = 0;
  return async () => {
    count += 1;
    const wait = start + (count * 1000) / ratePerSecond - Date.now();
    if (signal?.aborted) return false;
    if (wait <= 0) return true;
    try {
      await sleep(wait, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  };
}

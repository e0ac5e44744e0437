import { statSync, writeFileSync } from 'node:fs';

// A heartbeat older than this many intervals means the worker is stuck or cut off from Redis.
const MISSED_BEATS_TOLERATED = 3;
// A beat that waits longer than this on its check counts as missed.
const CHECK_TIMEOUT_MS = 2000;

/**
 * Touches `file` every `intervalMs`, but only while `isAlive` says the worker can take jobs. The container's
 * healthcheck (healthcheck.ts) reads the file's age: a worker that hangs or loses Redis stops beating and is
 * restarted. A returned stop() ends the beats.
 */
export function startHeartbeat(file: string, intervalMs: number, isAlive: () => Promise<boolean>): () => void {
  let beating = false;
  const beat = async () => {
    if (beating) return;
    beating = true;
    try {
      const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), CHECK_TIMEOUT_MS).unref());
      if (await Promise.race([isAlive().catch(() => false), timeout])) writeFileSync(file, `${new Date().toISOString()}\n`);
    } catch {
      // An unwritable file is a missed beat: the healthcheck reports it.
    } finally {
      beating = false;
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  return () => clearInterval(timer);
}

/** Whether `file` was touched within the tolerated number of heartbeat intervals (false if it does not exist). */
export function heartbeatIsFresh(file: string, intervalMs: number, now = Date.now()): boolean {
  try {
    return now - statSync(file).mtimeMs <= MISSED_BEATS_TOLERATED * intervalMs;
  } catch {
    return false;
  }
}

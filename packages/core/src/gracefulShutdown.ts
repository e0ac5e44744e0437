import type { Logger } from './logger.js';

/** How one process stops on SIGTERM or SIGINT. */
export interface ShutdownPlan {
  /** The process's name, as its log lines start: `receiver stopping…`, `receiver stopped`. */
  name: string;
  logger: Pick<Logger, 'info' | 'error'>;
  /** The most the steps may take (SHUTDOWN_TIMEOUT_MS); past it the process exits 1. */
  timeoutMs: number;
  /** What stopping means for this process, after `<name> stopping: `. */
  stopping?: string;
  /** What a timed-out exit leaves behind, in brackets after `shutdown timed out; exiting`. */
  leftBehind?: string;
  /** Run one after the other, each awaited: stop taking work, finish what was taken, then close connections. */
  steps: Array<() => unknown>;
  /** Writes out whatever the process still buffers (a buffered log) and then calls done; run before every exit. */
  flush?: (done: () => void) => void;
}

/**
 * The shutdown itself, with the exit passed in: the first call runs the plan and exits 0, or 1 when the steps
 * fail or outlast the timeout; any later call (a second Ctrl-C, SIGINT after SIGTERM) does nothing.
 */
export function createShutdown(plan: ShutdownPlan, exit: (code: number) => void): (signal: string) => Promise<void> {
  const { logger } = plan;
  let stopping = false;
  let exiting = false;
  const exitOnce = (code: number) => {
    if (exiting) return;
    exiting = true;
    if (plan.flush) plan.flush(() => exit(code));
    else exit(code);
  };
  return async (signal) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, plan.stopping ? `${plan.name} stopping: ${plan.stopping}` : `${plan.name} stopping`);
    // unref: the timer alone never keeps the process alive once the steps have let everything else close.
    setTimeout(() => {
      logger.error(plan.leftBehind ? `shutdown timed out; exiting (${plan.leftBehind})` : 'shutdown timed out; exiting');
      exitOnce(1);
    }, plan.timeoutMs).unref();
    try {
      for (const step of plan.steps) await step();
    } catch (err) {
      logger.error({ err }, 'shutdown failed; exiting');
      exitOnce(1);
      return;
    }
    if (exiting) return;
    logger.info(`${plan.name} stopped`);
    exitOnce(0);
  };
}

/** Runs `plan` on the first SIGTERM or SIGINT, then exits the process. The one shutdown of every main.ts. */
export function stopOnSignals(plan: ShutdownPlan): void {
  const shutdown = createShutdown(plan, (code) => process.exit(code));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

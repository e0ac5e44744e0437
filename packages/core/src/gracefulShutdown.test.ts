import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createShutdown, type ShutdownPlan } from './gracefulShutdown.js';

const TIMEOUT_MS = 1000;

/** A plan whose log lines, steps, flushes and exits are recorded in one list, in the order they happened. */
function recorded(over: Partial<ShutdownPlan> = {}) {
  const events: string[] = [];
  const line = (level: string) => (a: unknown, b?: unknown) => events.push(`${level} ${typeof a === 'string' ? a : String(b)}`);
  const plan: ShutdownPlan = {
    name: 'worker',
    logger: { info: line('info'), error: line('error') } as unknown as ShutdownPlan['logger'],
    timeoutMs: TIMEOUT_MS,
    steps: [() => events.push('step 1'), async () => events.push('step 2')],
    ...over,
  };
  const shutdown = createShutdown(plan, (code) => events.push(`exit ${code}`));
  return { events, shutdown };
}

/** A step that finishes only when the test says so. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { step: () => done, finish };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createShutdown', () => {
  it('logs stopping, runs the steps in order, logs stopped and exits 0', async () => {
    const { events, shutdown } = recorded({ stopping: 'finishing active jobs' });
    await shutdown('SIGTERM');
    expect(events).toEqual(['info worker stopping: finishing active jobs', 'step 1', 'step 2', 'info worker stopped', 'exit 0']);
  });

  it('awaits each step before starting the next', async () => {
    const first = pending();
    const { events, shutdown } = recorded({ steps: [first.step, () => events.push('second')] });
    const stopped = shutdown('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(events).not.toContain('second');
    first.finish();
    await stopped;
    expect(events.slice(-3)).toEqual(['second', 'info worker stopped', 'exit 0']);
  });

  it('runs once: a second signal while stopping, or after, does nothing', async () => {
    const first = pending();
    const { events, shutdown } = recorded({ steps: [first.step] });
    const stopped = shutdown('SIGTERM');
    await shutdown('SIGINT');
    first.finish();
    await stopped;
    await shutdown('SIGTERM');
    expect(events).toEqual(['info worker stopping', 'info worker stopped', 'exit 0']);
  });

  it('exits 1 with a line saying what is left behind when the steps outlast the timeout, and never exits 0 after', async () => {
    const stuck = pending();
    const { events, shutdown } = recorded({ steps: [stuck.step], leftBehind: 'unfinished jobs return to the queue as stalled' });
    const stopped = shutdown('SIGTERM');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(events).toEqual([
      'info worker stopping',
      'error shutdown timed out; exiting (unfinished jobs return to the queue as stalled)',
      'exit 1',
    ]);
    stuck.finish();
    await stopped;
    expect(events).not.toContain('exit 0');
  });

  it('exits 1 when a step fails, without running the steps after it', async () => {
    const { events, shutdown } = recorded({
      steps: [
        () => {
          throw new Error('redis gone');
        },
        () => events.push('after'),
      ],
    });
    await shutdown('SIGTERM');
    expect(events).toEqual(['info worker stopping', 'error shutdown failed; exiting', 'exit 1']);
  });

  it('flushes before every exit, the timed-out one too', async () => {
    const ok = recorded({ flush: (done) => (ok.events.push('flush'), done()) });
    await ok.shutdown('SIGTERM');
    expect(ok.events.slice(-3)).toEqual(['info worker stopped', 'flush', 'exit 0']);

    const stuck = pending();
    const late = recorded({ flush: (done) => (late.events.push('flush'), done()), steps: [stuck.step] });
    void late.shutdown('SIGTERM');
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(late.events.slice(-3)).toEqual(['error shutdown timed out; exiting', 'flush', 'exit 1']);
  });
});

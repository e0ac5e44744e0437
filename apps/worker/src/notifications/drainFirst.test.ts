import { describe, expect, it } from 'vitest';
import { DrainFirst } from './drainFirst.js';

/** A step that runs until it is ended, and says how many ran at once. */
function steps() {
  let running = 0;
  let most = 0;
  const ends: Array<() => void> = [];
  const step = () =>
    new Promise<void>((resolve) => {
      running += 1;
      most = Math.max(most, running);
      ends.push(() => {
        running -= 1;
        resolve();
      });
    });
  return { step, ends, most: () => most, running: () => running };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A gate over a backlog the test sets: 1,000 postbacks or more is a drain under way. */
function gate(options: { whileDraining?: number; quietMs?: number; handsPerSecond?: number; now?: () => number } = {}) {
  let backlog = 0;
  const drainFirst = new DrainFirst({
    whileDraining: options.whileDraining ?? 2,
    quietMs: options.quietMs ?? 1000,
    backlog: () => backlog,
    backlogThreshold: 1000,
    ...(options.handsPerSecond === undefined ? {} : { handsPerSecond: options.handsPerSecond }),
    now: options.now ?? (() => 0),
  });
  return Object.assign(drainFirst, {
    backlogIs(postbacks: number) {
      backlog = postbacks;
    },
  });
}

describe('DrainFirst', () => {
  it('runs every step at once while there is no backlog', async () => {
    const g = gate({ whileDraining: 1 });
    g.backlogIs(999);
    const s = steps();
    const done = Promise.all([1, 2, 3].map(() => g.turn(s.step)));
    await tick();
    expect(s.running()).toBe(3);
    s.ends.splice(0).forEach((end) => end());
    await done;
  });

  it('lets only whileDraining steps run at once while the drain is under way, the next as one ends', async () => {
    const g = gate({ whileDraining: 2 });
    g.backlogIs(1000);
    const s = steps();
    const done = Promise.all([1, 2, 3, 4, 5].map(() => g.turn(s.step)));
    await tick();
    expect(s.running()).toBe(2);
    s.ends.shift()!();
    s.ends.shift()!();
    await tick();
    expect(s.running()).toBe(2);
    while (s.ends.length > 0) {
      s.ends.shift()!();
      await tick();
    }
    await done;
    expect(s.most()).toBe(2);
  });

  it('lets every waiting step go once the backlog stayed under the threshold for quietMs', async () => {
    let now = 0;
    const g = gate({ whileDraining: 1, now: () => now });
    g.backlogIs(5000);
    const s = steps();
    const done = Promise.all([1, 2, 3, 4].map(() => g.turn(s.step)));
    await tick();
    expect(s.running()).toBe(1);
    g.backlogIs(10);
    now = 999;
    s.ends.shift()!();
    await tick();
    // Under the threshold, but not for quietMs yet: still one at a time.
    expect(s.running()).toBe(1);
    now = 1000;
    s.ends.shift()!();
    await tick();
    // The two still waiting go at once.
    expect(s.running()).toBe(2);
    s.ends.splice(0).forEach((end) => end());
    await done;
  });

  it('frees the turn of a step that failed', async () => {
    const g = gate({ whileDraining: 1 });
    g.backlogIs(1000);
    await expect(g.turn(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await g.turn(() => Promise.resolve('next'))).toBe('next');
  });
});

describe('DrainFirst: the relay while draining', () => {
  it('hands everything while the drain is quiet, and a second of the rate once a second while it is under way', () => {
    let now = 0;
    const g = gate({ quietMs: 500, handsPerSecond: 100, now: () => now });
    expect(g.handAllowance(500)).toBe(500);
    g.handed(500);

    g.backlogIs(20_000);
    // The bucket was spent by the quiet round: nothing until a second's worth has accrued, then that at once.
    expect(g.handAllowance(500)).toBe(0);
    now += 250;
    expect(g.handAllowance(500)).toBe(0);
    now += 750;
    expect(g.handAllowance(500)).toBe(100);
    g.handed(40);
    expect(g.handAllowance(500)).toBe(0);
    // A long wait accrues a second's worth, no more.
    now += 3000;
    expect(g.handAllowance(10)).toBe(10);
    g.handed(10);
    expect(g.handAllowance(500)).toBe(0);
    now += 100;
    expect(g.handAllowance(500)).toBe(100);
    g.handed(100);

    // The backlog is worked off: half a second later, everything again.
    g.backlogIs(0);
    expect(g.handAllowance(500)).toBe(0);
    now += 600;
    expect(g.handAllowance(500)).toBe(500);
  });

  it('never holds the relay back without a rate', () => {
    const g = gate({ quietMs: 500 });
    g.backlogIs(20_000);
    expect(g.draining()).toBe(true);
    expect(g.handAllowance(500)).toBe(500);
  });
});

describe('DrainFirst: what counts as a drain', () => {
  it('is a backlog of postbacks yet to apply, not traffic the worker keeps up with, however heavy', () => {
    let now = 0;
    const g = gate({ quietMs: 500, handsPerSecond: 50, now: () => now });
    // Heavy traffic applied as it comes: the process never holds more than a few hundred postbacks.
    for (let i = 0; i < 100; i += 1) {
      now += 100;
      g.backlogIs(i % 2 === 0 ? 300 : 900);
      expect(g.draining()).toBe(false);
    }
    expect(g.handAllowance(500)).toBe(500);

    // A queue that grew while the workers were down.
    g.backlogIs(150_000);
    expect(g.draining()).toBe(true);
    // Worked off: under the threshold for quietMs ends it, not the first moment under it.
    g.backlogIs(200);
    now += 499;
    expect(g.draining()).toBe(true);
    now += 1;
    expect(g.draining()).toBe(false);
  });
});

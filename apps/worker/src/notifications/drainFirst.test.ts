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

describe('DrainFirst', () => {
  it('runs every step at once while no batch is being applied', async () => {
    const gate = new DrainFirst(1, 1000, () => 0);
    const s = steps();
    const done = Promise.all([1, 2, 3].map(() => gate.turn(s.step)));
    await tick();
    expect(s.running()).toBe(3);
    s.ends.splice(0).forEach((end) => end());
    await done;
  });

  it('lets only whileDraining steps run at once while the drain is under way, the next as one ends', async () => {
    const gate = new DrainFirst(2, 1000, () => 0);
    gate.batchApplied();
    const s = steps();
    const done = Promise.all([1, 2, 3, 4, 5].map(() => gate.turn(s.step)));
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

  it('lets every waiting step go once no batch was applied for quietMs', async () => {
    let now = 0;
    const gate = new DrainFirst(1, 1000, () => now);
    gate.batchApplied();
    const s = steps();
    const done = Promise.all([1, 2, 3, 4].map(() => gate.turn(s.step)));
    await tick();
    expect(s.running()).toBe(1);
    now = 1000;
    s.ends.shift()!();
    await tick();
    expect(s.running()).toBe(3);
    s.ends.splice(0).forEach((end) => end());
    await done;
  });

  it('frees the turn of a step that failed', async () => {
    const gate = new DrainFirst(1, 1000, () => 0);
    gate.batchApplied();
    await expect(gate.turn(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.turn(() => Promise.resolve('next'))).toBe('next');
  });
});

describe('DrainFirst: the relay while draining', () => {
  it('hands everything while the drain is quiet, and a second of the rate once a second while it is under way', () => {
    let now = 0;
    const gate = new DrainFirst(2, 500, () => now, 100);
    expect(gate.handAllowance(500)).toBe(500);
    gate.handed(500);

    gate.batchApplied();
    // The bucket was spent by the quiet round: nothing until a second's worth has accrued, then that at once.
    expect(gate.handAllowance(500)).toBe(0);
    now += 250;
    gate.batchApplied();
    expect(gate.handAllowance(500)).toBe(0);
    now += 750;
    gate.batchApplied();
    expect(gate.handAllowance(500)).toBe(100);
    gate.handed(40);
    expect(gate.handAllowance(500)).toBe(0);
    // A long wait accrues a second's worth, no more.
    now += 3000;
    gate.batchApplied();
    expect(gate.handAllowance(10)).toBe(10);
    gate.handed(10);
    expect(gate.handAllowance(500)).toBe(0);
    now += 100;
    gate.batchApplied();
    expect(gate.handAllowance(500)).toBe(100);

    // The drain goes quiet: everything again.
    now += 600;
    expect(gate.handAllowance(500)).toBe(500);
  });

  it('never holds the relay back without a rate', () => {
    const gate = new DrainFirst(2, 500, () => 0);
    gate.batchApplied();
    expect(gate.handAllowance(500)).toBe(500);
  });
});

describe('DrainFirst: what counts as a drain', () => {
  it('is a burst of postbacks over the last quietMs, not steady traffic', () => {
    let now = 0;
    // 1,000 postbacks a second over the last 500 ms: 500 of them.
    const gate = new DrainFirst(2, 500, () => now, 50, 1000);
    // Steady traffic: a batch of 10 every 100 ms (100 a second), for ten seconds.
    for (let i = 0; i < 100; i += 1) {
      now += 100;
      gate.batchApplied(10);
      expect(gate.draining()).toBe(false);
    }
    expect(gate.handAllowance(500)).toBe(500);

    // A burst: batches of 500 every 20 ms.
    for (let i = 0; i < 5; i += 1) {
      now += 20;
      gate.batchApplied(500);
    }
    expect(gate.draining()).toBe(true);
    // It ends: half a second later only the burst's last batches would count, and they have aged out.
    now += 500;
    expect(gate.draining()).toBe(false);
  });
});

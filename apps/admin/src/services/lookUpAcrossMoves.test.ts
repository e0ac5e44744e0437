import { describe, expect, it } from 'vitest';
import { lookUpAcrossMoves } from './lookUpAcrossMoves.js';

/** A postback that is in the queue until the first time the queue is read, and logged from then on. */
function committedBetweenReads() {
  let committed = false;
  const reads: string[] = [];
  const places = [
    async () => {
      reads.push('log');
      return committed ? 'logged' : undefined;
    },
    async () => {
      reads.push('queue');
      committed = true; // the batch commits and the job leaves before this read sees it
      return undefined;
    },
  ];
  return { places, reads };
}

describe('lookUpAcrossMoves', () => {
  it('finds a postback that moved into a place already read, on the next pass', async () => {
    const { places, reads } = committedBetweenReads();
    expect(await lookUpAcrossMoves(3, places)).toBe('logged');
    expect(reads).toEqual(['log', 'queue', 'log']);
  });

  it('misses it with a single pass (what showPostback did before)', async () => {
    const { places } = committedBetweenReads();
    expect(await lookUpAcrossMoves(1, places)).toBeUndefined();
  });

  it('answers from the first place that has it, and stops reading', async () => {
    const reads: string[] = [];
    const found = await lookUpAcrossMoves(3, [
      async () => (reads.push('log'), 'logged'),
      async () => (reads.push('queue'), 'queued'),
    ]);
    expect(found).toBe('logged');
    expect(reads).toEqual(['log']);
  });

  it('gives up after the passes when no place has it', async () => {
    let readsCount = 0;
    expect(await lookUpAcrossMoves(3, [async () => (readsCount++, undefined), async () => (readsCount++, undefined)])).toBeUndefined();
    expect(readsCount).toBe(6);
  });
});

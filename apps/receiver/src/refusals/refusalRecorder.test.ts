import { describe, expect, it } from 'vitest';
import type { Refusal } from '@postback/core';
import { capturedLogger } from '../../../../test/helpers/capturedLogger.js';
import { RefusalRecorder, type RefusalFacts } from './refusalRecorder.js';

const badKey = (client: string): RefusalFacts => ({ status: 401, error: 'unknown or revoked key', field: 'key', endpointId: undefined, client });

function recorderWith(write: (r: readonly Refusal[]) => Promise<unknown>) {
  const counted = { recorded: 0, dropped: 0 };
  const log = capturedLogger();
  const recorder = new RefusalRecorder(write, { recorded: (n) => (counted.recorded += n), dropped: (n) => (counted.dropped += n) }, log.logger);
  return { recorder, counted, log };
}

describe('RefusalRecorder', () => {
  it('writes one entry with a count for refusals alike in one turn, with the first path, and asks for that path once', async () => {
    const writes: Refusal[][] = [];
    const { recorder, counted } = recorderWith(async (r) => writes.push([...r]));
    let pathsAsked = 0;
    for (let i = 0; i < 50; i++) recorder.record(badKey('198.51.100.1'), () => `/v1/rejections?key=****&transaction_id=t${++pathsAsked}`);
    recorder.record(badKey('198.51.100.2'), () => '/v1/rejections?key=****&transaction_id=other');
    recorder.record({ ...badKey('198.51.100.1'), status: 429, error: 'too many' }, () => '/v1/rejections?key=****');
    await recorder.drain();
    expect(pathsAsked).toBe(1);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual([
      { ...badKey('198.51.100.1'), path: '/v1/rejections?key=****&transaction_id=t1', count: 50 },
      { ...badKey('198.51.100.2'), path: '/v1/rejections?key=****&transaction_id=other', count: 1 },
      { ...badKey('198.51.100.1'), status: 429, error: 'too many', path: '/v1/rejections?key=****', count: 1 },
    ]);
    expect(counted).toEqual({ recorded: 52, dropped: 0 });
  });

  it('tells the same refusal for two endpoints apart', async () => {
    const writes: Refusal[][] = [];
    const { recorder } = recorderWith(async (r) => writes.push([...r]));
    const invalid = (endpointId: number): RefusalFacts => ({ status: 400, error: 'transaction_id is required', field: 'transaction_id', endpointId, client: '::1' });
    recorder.record(invalid(1), () => '/a');
    recorder.record(invalid(2), () => '/b');
    await recorder.drain();
    expect(writes.flat().map((r) => r.endpointId)).toEqual([1, 2]);
  });

  it('counts a failed write as dropped, never throws, and logs it once for many failures', async () => {
    const { recorder, counted, log } = recorderWith(() => Promise.reject(new Error('Connection is closed.')));
    for (let turn = 0; turn < 5; turn++) {
      recorder.record(badKey('198.51.100.1'), () => '/x');
      recorder.record(badKey('198.51.100.9'), () => '/y');
      await recorder.drain();
    }
    expect(counted).toEqual({ recorded: 0, dropped: 10 });
    expect(log.lines().filter((l) => l.level === 40)).toEqual([expect.objectContaining({ err: 'Connection is closed.', dropped: 2 })]);
  });

  it('drops and counts refusals past the entries waiting while Redis is slow, and writes the rest once it answers', async () => {
    const hanging: Array<() => void> = [];
    const answer = () => hanging.splice(0).forEach((resolve) => resolve());
    const writes: Refusal[][] = [];
    const { recorder, counted } = recorderWith((r) => {
      writes.push([...r]);
      return new Promise<void>((resolve) => hanging.push(resolve));
    });
    // A write goes out and hangs; meanwhile 1,000 distinct entries wait and 500 more are dropped.
    recorder.record(badKey('10.0.0.1'), () => '/');
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 1500; i++) recorder.record(badKey(`10.1.${i >> 8}.${i & 255}`), () => '/');
    expect(counted.dropped).toBe(500);
    expect(writes).toHaveLength(1);
    const drained = recorder.drain();
    while (writes.length < 2) {
      answer();
      await new Promise((r) => setImmediate(r));
    }
    answer();
    await drained;
    expect(writes.map((w) => w.length)).toEqual([1, 1000]);
    expect(counted).toEqual({ recorded: 1001, dropped: 500 });
  });
});

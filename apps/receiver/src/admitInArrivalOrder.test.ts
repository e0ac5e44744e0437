import { describe, expect, it } from 'vitest';
import { admitInArrivalOrder, countByEndpoint } from './admitInArrivalOrder.js';

// A request of the turn, named so that a test can say which ones got in.
const request = (name: string, endpointId: number) => ({ name, postback: { endpointId } });
const allowances = (...entries: Array<[endpointId: number, admitted: number, resetMs: number]>) =>
  new Map(entries.map(([endpointId, admitted, resetMs]) => [endpointId, { admitted, resetMs }]));
const names = (requests: Array<{ name: string }>) => requests.map((r) => r.name);

describe('countByEndpoint', () => {
  it('asks the admission call for each endpoint’s number of requests in the turn', () => {
    const turn = [request('a', 1), request('b', 2), request('c', 1), request('d', 1)];
    expect(countByEndpoint(turn)).toEqual(new Map([[1, 3], [2, 1]]));
  });

  it('asks for nothing when the turn is empty', () => {
    expect(countByEndpoint([])).toEqual(new Map());
  });
});

describe('admitInArrivalOrder', () => {
  it('admits every request when each endpoint’s allowance covers its requests', () => {
    const turn = [request('a', 1), request('b', 2), request('c', 1)];
    const { admitted, refused } = admitInArrivalOrder(turn, allowances([1, 2, 1000], [2, 1, 1000]));
    expect(names(admitted)).toEqual(['a', 'b', 'c']);
    expect(refused).toEqual([]);
  });

  it('admits an endpoint’s requests in arrival order until its allowance runs out, and refuses the later ones', () => {
    const turn = [request('a1', 1), request('a2', 1), request('a3', 1), request('a4', 1)];
    const { admitted, refused } = admitInArrivalOrder(turn, allowances([1, 2, 30_000]));
    expect(names(admitted)).toEqual(['a1', 'a2']);
    expect(refused.map((r) => [r.request.name, r.retryAfterSeconds])).toEqual([['a3', 30], ['a4', 30]]);
  });

  it('keeps one endpoint’s limit from touching another’s requests, interleaved as they arrived', () => {
    const turn = [request('a1', 1), request('b1', 2), request('a2', 1), request('b2', 2), request('a3', 1)];
    const { admitted, refused } = admitInArrivalOrder(turn, allowances([1, 1, 4_500], [2, 2, 9_000]));
    expect(names(admitted)).toEqual(['a1', 'b1', 'b2']);
    expect(refused.map((r) => [r.request.name, r.retryAfterSeconds])).toEqual([['a2', 5], ['a3', 5]]);
  });

  it('refuses every request of an endpoint already over its limit, with the seconds until its window resets', () => {
    const { admitted, refused } = admitInArrivalOrder([request('a', 7)], allowances([7, 0, 59_001]));
    expect(admitted).toEqual([]);
    expect(refused.map((r) => r.retryAfterSeconds)).toEqual([60]);
  });

  it('asks a refused client to wait at least a second, even when the window is about to reset', () => {
    const { refused } = admitInArrivalOrder([request('a', 1)], allowances([1, 0, 0]));
    expect(refused.map((r) => r.retryAfterSeconds)).toEqual([1]);
  });

  it('refuses a request of an endpoint the admission did not answer for, rather than store it unadmitted', () => {
    const { admitted, refused } = admitInArrivalOrder([request('a', 1), request('b', 2)], allowances([1, 1, 1000]));
    expect(names(admitted)).toEqual(['a']);
    expect(refused.map((r) => [r.request.name, r.retryAfterSeconds])).toEqual([['b', 1]]);
  });

  it('leaves the allowances it was given as they were', () => {
    const given = allowances([1, 1, 1000]);
    admitInArrivalOrder([request('a', 1), request('b', 1)], given);
    expect(given).toEqual(allowances([1, 1, 1000]));
  });
});

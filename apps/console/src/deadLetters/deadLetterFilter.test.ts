import { expect, it } from 'vitest';
import { deadLetterFilterOf, replayProgress } from './deadLetterFilter';

it('sends error kinds as a list, split on spaces and commas', () => {
  expect(deadLetterFilterOf({ error_kind: '23514, P0001 unreadable', offer_id: 4 })).toEqual({ error_kind: ['23514', 'P0001', 'unreadable'], offer_id: 4 });
  expect(deadLetterFilterOf({ error_kind: ' , ' })).toEqual({});
  expect(deadLetterFilterOf({})).toEqual({});
});

it("tells a replay's progress", () => {
  expect(replayProgress({ id: 'r1', status: 'running', replayed: 3, matched: 10, missing: 0 })).toBe('Replay r1: running, 3 of 10 replayed');
  expect(replayProgress({ id: 'r1', status: 'completed', replayed: 9, matched: 10, missing: 1 })).toBe('Replay r1: completed, 9 of 10 replayed, 1 gone meanwhile');
  expect(replayProgress({ id: 'r2', status: 'running', replayed: 0, matched: null, missing: 0 })).toBe('Replay r2: running, 0 replayed');
});

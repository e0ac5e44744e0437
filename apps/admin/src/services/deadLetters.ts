import type { Job } from 'bullmq';
import { z } from 'zod';
import { removeDeadLetter, type DeadLetterData, type ReplayOutcome } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { queueSelector, type DeadLetterEntry } from './deadLetterSource.js';
import { deadLetterSourceIn } from './deadLetterSources.js';
import { replayRequestFields, type DlqReplays, type ReplayEstimate, type ReplayRecord } from './dlqReplays.js';
import { INT4_MAX, jobId, wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';

export const deadLetterListQuery = z.object({
  queue: queueSelector,
  limit: wholeNumber(1, 1000).default(100),
  offset: wholeNumber(0, INT4_MAX).default(0),
});
/** The query of one entry's show and delete: which queue's (postbacks when not given). */
export const deadLetterQueueQuery = z.object({ queue: queueSelector });

export async function listDeadLetters(deps: AdminDeps, input: unknown) {
  const { limit, offset } = parseInput(deadLetterListQuery, input);
  const source = deadLetterSourceIn(input);
  const places = await source.places(deps);
  // With one place (shard) its queue is the page. With more, each queue's newest offset + limit entries are merged by
  // when each entered its queue (the order each queue lists them in, newest first), and the page is cut from them.
  const from = places.length === 1 ? offset : 0;
  const perPlace = await deps.withRedis(() =>
    Promise.all(
      places.map(async ({ shard, pair }) => {
        const [jobs, count] = await Promise.all([pair.deadLetters.getWaiting(from, offset + limit - 1), pair.deadLetters.getWaitingCount()]);
        return { count, entries: jobs.filter((job) => job?.data !== undefined).map((job) => ({ shard, job })) };
      }),
    ),
  );
  const total = perPlace.reduce((sum, s) => sum + s.count, 0);
  const entries = places.length === 1 ? perPlace[0]!.entries : mergeNewestFirst(perPlace.map((s) => s.entries)).slice(offset, offset + limit);
  return { total, jobs: await source.summaries(deps, entries) };
}

/** Lists of entries, each newest first, as one list newest first (ties: by shard, so every call agrees). */
function mergeNewestFirst(lists: DeadLetterEntry[][]): DeadLetterEntry[] {
  return lists.flat().sort((a, b) => b.job.timestamp - a.job.timestamp || (a.shard < b.shard ? -1 : a.shard > b.shard ? 1 : 0));
}

/** GET /admin/dlq/:id: one entry of the queue asked for, as the list shows it. */
export async function showDeadLetter(deps: AdminDeps, rawId: unknown, query: unknown) {
  const id = parseInput(jobId, rawId, 'id');
  const source = deadLetterSourceIn(query);
  const places = await source.places(deps);
  const jobs = await deps.withRedis(() => Promise.all(places.map(({ pair }) => pair.deadLetters.getJob(id))));
  const at = jobs.findIndex((job) => job?.data !== undefined);
  if (at < 0) throw new NotFoundError(`${source.noun} ${id} not found`);
  const [summary] = await source.summaries(deps, [{ shard: places[at]!.shard, job: jobs[at] as Job<DeadLetterData> }]);
  return summary!;
}

export const replayInput = z.union(
  [
    z.object({ queue: queueSelector, ids: z.array(jobId).min(1).max(10_000), ...replayRequestFields }),
    z.object({ queue: queueSelector, all: z.literal(true), ...replayRequestFields }),
  ],
  { error: 'give {"ids": [...]} or {"all": true}' },
);

export type ReplayAnswer = { replayed: number; ids: string[]; missing: string[]; replay_id: string } | { replay_id: string };

function recordOf(result: ReplayEstimate | ReplayRecord): ReplayRecord {
  if ('dry_run' in result) throw new Error('a replay asked for no dry run gave an estimate');
  return result;
}

/**
 * POST /admin/dlq/replay: a recorded replay (see dlqReplays.ts), like every other. For ids it runs in the
 * foreground and answers which were replayed and which were missing; for all it starts in the background and
 * answers its id, to poll. Replaying is never done off the record.
 */
export async function replayDeadLetters(replays: DlqReplays, input: unknown, defaultOperator: string): Promise<ReplayAnswer> {
  const { queue, rate_per_second, operator, ...which } = parseInput(replayInput, input);
  if ('all' in which) {
    const started = recordOf(await replays.start({ queue, filter: {}, rate_per_second, operator }, defaultOperator));
    return { replay_id: started.id };
  }
  const outcomes = new Map<string, ReplayOutcome>();
  const done = recordOf(
    await replays.run({ queue, filter: { ids: which.ids }, rate_per_second, operator }, defaultOperator, {
      rethrow: true,
      // An id names one entry (ids are UUIDs, unique across shards); should two shards hold it, it was replayed if
      // either entry was.
      onJob: (id, outcome) => outcomes.set(id, outcomes.get(id) === 'replayed' ? 'replayed' : outcome),
    }),
  );
  const ids = [...outcomes].filter(([, outcome]) => outcome === 'replayed').map(([id]) => id);
  // Missing: not in the dead-letter queue when the replay looked, or gone (another replay took it, it was deleted)
  // by its turn. An id a cancelled or interrupted replay never reached is neither; its record says how it ended.
  const missing = [...new Set(which.ids)].filter(
    (id) => outcomes.get(id) === 'missing' || (!outcomes.has(id) && done.status === 'completed'),
  );
  return { replayed: ids.length, ids, missing, replay_id: done.id };
}

/** Drops the entry with this id from whichever place of the queue asked for holds it. */
export async function deleteDeadLetter(deps: AdminDeps, rawId: unknown, query: unknown = {}) {
  const id = parseInput(jobId, rawId, 'id');
  const source = deadLetterSourceIn(query);
  const places = await source.places(deps);
  const deleted = await deps.withRedis(() => Promise.all(places.map(({ pair }) => removeDeadLetter(pair, id))));
  if (!deleted.includes(true)) throw new NotFoundError(`${source.noun} ${id} not found`);
  return { deleted: id };
}

import type { Job } from 'bullmq';
import { z } from 'zod';
import { bulkIdOf, endpointIdOf, removeDeadLetter, type DeadLetterData, type ReplayOutcome } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { deadLetterFactsOf } from './deadLetterFacts.js';
import { replayRequestSchema, type DlqReplays, type ReplayEstimate, type ReplayRecord } from './dlqReplays.js';
import { INT4_MAX, jobId, wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';
import { deadLetterShards } from './scanDeadLetters.js';

/** One dead-letter entry as `dlq list` and GET /admin/dlq show it. */
function deadLetterSummaryOf(shard: string, job: Job<DeadLetterData>) {
  const { errorKind, postbacks } = deadLetterFactsOf(job.data);
  const single = postbacks !== 'unreadable' && postbacks.length === 1 ? postbacks[0]! : undefined;
  return {
    id: job.id!,
    // The shard whose dead-letter queue holds it, and whose queue a replay puts it back on.
    shard,
    readable: postbacks !== 'unreadable',
    postbacks: postbacks === 'unreadable' ? 0 : postbacks.length,
    // For a single postback (the usual case: a postback that failed on its own) its transaction and endpoint.
    transaction_id: single?.transactionId ?? null,
    endpoint_id: single ? endpointIdOf(single) : null,
    // Or the bulk upload it is a row of (apps/admin/src/bulk/).
    bulk_id: single ? bulkIdOf(single) : null,
    error: job.data.failedReason,
    error_kind: errorKind,
    attempts: job.data.attemptsMade,
    errors: job.data.errors,
    dead_lettered_at: new Date(job.data.deadLetteredAt).toISOString(),
  };
}

export const deadLetterListQuery = z.object({ limit: wholeNumber(1, 1000).default(100), offset: wholeNumber(0, INT4_MAX).default(0) });

export async function listDeadLetters(deps: AdminDeps, input: unknown) {
  const { limit, offset } = parseInput(deadLetterListQuery, input);
  const shards = await deadLetterShards(deps);
  // With one shard its queue is the page. With more, each queue's newest offset + limit entries are merged by when
  // each entered its queue (the order each queue lists them in, newest first), and the page is cut from them.
  const from = shards.length === 1 ? offset : 0;
  const perShard = await deps.withRedis(() =>
    Promise.all(
      shards.map(async (shard) => {
        const deadLetters = deps.shards.shard(shard).deadLetters;
        const [jobs, count] = await Promise.all([deadLetters.getWaiting(from, offset + limit - 1), deadLetters.getWaitingCount()]);
        return { count, entries: jobs.filter((job) => job?.data !== undefined).map((job) => ({ shard, job })) };
      }),
    ),
  );
  const total = perShard.reduce((sum, s) => sum + s.count, 0);
  const entries = shards.length === 1 ? perShard[0]!.entries : mergeNewestFirst(perShard.map((s) => s.entries)).slice(offset, offset + limit);
  return { total, jobs: entries.map(({ shard, job }) => deadLetterSummaryOf(shard, job)) };
}

/** Lists of entries, each newest first, as one list newest first (ties: by shard, so every call agrees). */
function mergeNewestFirst<E extends { shard: string; job: Job<DeadLetterData> }>(lists: E[][]): E[] {
  return lists.flat().sort((a, b) => b.job.timestamp - a.job.timestamp || (a.shard < b.shard ? -1 : a.shard > b.shard ? 1 : 0));
}

const howToReplay = { rate_per_second: replayRequestSchema.shape.rate_per_second, operator: replayRequestSchema.shape.operator };
export const replayInput = z.union(
  [
    z.object({ ids: z.array(jobId).min(1).max(10_000), ...howToReplay }),
    z.object({ all: z.literal(true), ...howToReplay }),
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
  const { rate_per_second, operator, ...which } = parseInput(replayInput, input);
  if ('all' in which) {
    const started = recordOf(await replays.start({ filter: {}, rate_per_second, operator }, defaultOperator));
    return { replay_id: started.id };
  }
  const outcomes = new Map<string, ReplayOutcome>();
  const done = recordOf(
    await replays.run({ filter: { ids: which.ids }, rate_per_second, operator }, defaultOperator, {
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

/** Drops the entry with this id from whichever shard's dead-letter queue holds it. */
export async function deleteDeadLetter(deps: AdminDeps, rawId: unknown) {
  const id = parseInput(jobId, rawId, 'id');
  const shards = await deadLetterShards(deps);
  const deleted = await deps.withRedis(() => Promise.all(shards.map((shard) => removeDeadLetter(deps.shards.shard(shard).pair, id))));
  if (!deleted.includes(true)) throw new NotFoundError(`dead-lettered postback ${id} not found`);
  return { deleted: id };
}

import { z } from 'zod';
import {
  batchJobIdOf,
  listPartitions,
  mintedAtOf,
  postbacksInJobData,
  type DeadLetterData,
  type Outcome,
  type PendingState,
  type Postback,
  type PrismaClient,
} from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { lookUpAcrossMoves } from './lookUpAcrossMoves.js';
import { parseInput } from './parseInput.js';

export interface PostbackStatus {
  postback_id: string;
  transaction_id: string | null;
  received_at: string | null;
  processed_at: string | null;
  outcome: Outcome | PendingState;
  attempts: number;
  error: string | null;
}

/**
 * What became of one postback: its log row once processed; until then it is `queued` (in the main queue, with
 * its job's attempts and last error so far) or `dead_lettered`.
 */
export const postbackIdParam = z.uuid();

export async function showPostback(deps: AdminDeps, rawId: unknown): Promise<PostbackStatus> {
  const postbackId = parseInput(postbackIdParam, rawId, 'postback_id');
  const found = await lookUpAcrossMoves(3, [
    () => loggedStatus(deps.prisma, postbackId),
    // Not processed yet: find the job that carries it.
    () => deps.withRedis(() => findQueued(deps, postbackId)),
  ]);
  if (!found) throw new NotFoundError(`postback ${postbackId} not found`);
  return found;
}

async function loggedStatus(prisma: PrismaClient, postbackId: string): Promise<PostbackStatus | undefined> {
  const row = await loggedRow(prisma, postbackId);
  if (!row) return undefined;
  return {
    postback_id: row.postbackId,
    transaction_id: row.transactionId,
    received_at: row.receivedAt.toISOString(),
    processed_at: row.processedAt.toISOString(),
    outcome: row.outcome,
    attempts: row.attempts,
    error: null,
  };
}

// The receiver stamps received_at when a request arrives and mints the postback's id (UUIDv7: the time in front) when
// it packs the batch, a Redis round trip later, with the same clock: received_at is at most seconds before the
// minting. The window is generous (clock steps, a batch held up) and still prunes the lookup to a day or two.
const RECEIVED_BEFORE_MINTED_MS = 3_600_000;
const RECEIVED_AFTER_MINTED_MS = 300_000;

/** The postback's log row, read from the partitions of its day only, when its id says the day. */
async function loggedRow(prisma: PrismaClient, postbackId: string) {
  const minted = mintedAtOf(postbackId);
  if (minted !== null) {
    const receivedAt = { gte: new Date(minted - RECEIVED_BEFORE_MINTED_MS), lte: new Date(minted + RECEIVED_AFTER_MINTED_MS) };
    return prisma.postbackLog.findFirst({ where: { postbackId, receivedAt } });
  }
  // A random id of an earlier release: received before the first day partition, so in the legacy partition (which
  // keeps an index on postback_id) or the default one. Should it be anywhere else, every partition is read.
  const days = (await listPartitions(prisma)).filter((p) => p.kind === 'day' && p.from !== null).map((p) => p.from!.getTime());
  const early = days.length > 0
    ? await prisma.postbackLog.findFirst({ where: { postbackId, receivedAt: { lt: new Date(Math.min(...days)) } } })
    : null;
  return early ?? prisma.postbackLog.findFirst({ where: { postbackId } });
}

/**
 * The postback in a dead-letter or main queue of any shard (its id does not say which), under its own job id (a
 * single-postback job) or its batch's.
 */
async function findQueued(deps: AdminDeps, postbackId: string): Promise<PostbackStatus | undefined> {
  const shards = (await deps.shards.known()).map((tag) => deps.shards.shard(tag));
  const queues = [
    ...shards.map((s) => [s.deadLetters, 'dead_lettered'] as const),
    ...shards.map((s) => [s.queue, 'queued'] as const),
  ];
  for (const [queue, outcome] of queues) {
    for (const jobId of new Set([postbackId, batchJobIdOf(postbackId)])) {
      const job = await queue.getJob(jobId);
      if (!job) continue;
      const dead = outcome === 'dead_lettered' ? (job.data as DeadLetterData) : undefined;
      const postback = findPostback(dead ? dead.job : job.data, postbackId);
      if (!postback && jobId !== postbackId) continue;
      return {
        postback_id: postbackId,
        transaction_id: postback?.transactionId ?? null,
        received_at: postback ? new Date(postback.receivedAt).toISOString() : null,
        processed_at: null,
        outcome,
        attempts: dead ? dead.attemptsMade : job.attemptsMade,
        error: dead ? dead.failedReason : job.failedReason || null,
      };
    }
  }
  return undefined;
}

function findPostback(data: unknown, postbackId: string): Postback | undefined {
  const postbacks = postbacksInJobData(data);
  return postbacks === 'unreadable' ? undefined : postbacks.find((p) => p.postbackId === postbackId);
}

import type { Job } from 'bullmq';
import { z } from 'zod';
import {
  POSTBACK_JOB_NAME,
  postbackJobOptions,
  postbackJobSchema,
  postbacksOf,
  type DeadLetterData,
  type PostbackJob,
} from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { deadLetterKind } from './deadLetterFilter.js';
import { INT4_MAX, jobId, wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';

const PAGE = 500;

function describe(job: Job<DeadLetterData>) {
  const parsed = postbackJobSchema.safeParse(job.data.job);
  const postbacks = parsed.success ? postbacksOf(parsed.data) : [];
  return {
    id: job.id!,
    readable: parsed.success,
    postbacks: postbacks.length,
    // For a single postback (the usual case: a postback that failed on its own) its transaction and endpoint.
    transaction_id: postbacks.length === 1 ? postbacks[0]!.transactionId : null,
    endpoint_id: postbacks.length === 1 ? postbacks[0]!.endpointId : null,
    error: job.data.failedReason,
    error_kind: deadLetterKind(job.data),
    attempts: job.data.attemptsMade,
    errors: job.data.errors,
    dead_lettered_at: new Date(job.data.deadLetteredAt).toISOString(),
  };
}

export async function listDeadLetters(deps: AdminDeps, input: unknown) {
  const { limit, offset } = parseInput(
    z.object({ limit: wholeNumber(1, 1000).default(100), offset: wholeNumber(0, INT4_MAX).default(0) }),
    input,
  );
  const [jobs, total] = await deps.withRedis(() => Promise.all([
    deps.deadLetters.getWaiting(offset, offset + limit - 1),
    deps.deadLetters.getWaitingCount(),
  ]));
  return { total, jobs: jobs.map(describe) };
}

const replayInput = z.union(
  [z.object({ ids: z.array(jobId).min(1).max(10_000) }), z.object({ all: z.literal(true) })],
  { error: 'give {"ids": [...]} or {"all": true}' },
);

/**
 * Puts dead-lettered jobs back on the main queue under their original ids (so their postbacks keep theirs), and
 * removes each from the dead-letter queue only after the main queue has it. Running a replay twice is harmless:
 * the worker's postback log makes a postback that was already applied a no-op.
 */
export async function replayDeadLetters(deps: AdminDeps, input: unknown) {
  const request = parseInput(replayInput, input);
  return deps.withRedis(() => replay(deps, request));
}

async function replay(deps: AdminDeps, request: z.infer<typeof replayInput>) {
  const replayed: string[] = [];
  const missing: string[] = [];
  if ('ids' in request) {
    for (const id of request.ids) {
      const job = await deps.deadLetters.getJob(id);
      if (job) replayed.push(await replayOne(deps, job));
      else missing.push(id);
    }
  } else {
    // Each pass takes the head of the dead-letter queue; replayOne removes what it replays.
    const total = await deps.deadLetters.getWaitingCount();
    while (replayed.length < total) {
      const jobs = await deps.deadLetters.getWaiting(0, PAGE - 1);
      if (jobs.length === 0) break;
      for (const job of jobs) replayed.push(await replayOne(deps, job));
    }
  }
  return { replayed: replayed.length, ids: replayed, missing };
}

/**
 * Puts one dead-lettered job back on the main queue under its own id, then takes it off the dead-letter queue;
 * under the job's move lock, so it never runs between a worker's dead-letter add and its remove from the main
 * queue (which would remove the fresh copy). Throws JobMoveBusyError when a move of the job does not finish in time.
 */
export async function replayOne(deps: AdminDeps, dead: Job<DeadLetterData>): Promise<string> {
  const id = dead.id!;
  return deps.moveLock.run(id, async () => {
    const current = await deps.queue.getJob(id);
    // A copy left in the main queue's failed set (a move cut short by a crash) would make the add below a no-op.
    if (current && (await current.getState()) === 'failed') await current.remove();
    await deps.queue.add(POSTBACK_JOB_NAME, dead.data.job as PostbackJob, postbackJobOptions(deps.cfg, id));
    await dead.remove();
    return id;
  });
}

export async function deleteDeadLetter(deps: AdminDeps, rawId: unknown) {
  const id = parseInput(jobId, rawId, 'id');
  return deps.withRedis(async () => {
    const job = await deps.deadLetters.getJob(id);
    if (!job) throw new NotFoundError(`dead-lettered postback ${id} not found`);
    await job.remove();
    return { deleted: id };
  });
}

import { z } from 'zod';
import type { Outcome, PendingState, PostbackJob } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from './adminDeps.js';
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
 * What became of one postback: its log row once processed; until then it is `queued` (main queue, with the
 * attempts and last error so far) or `dead_lettered`.
 */
export async function showPostback(deps: AdminDeps, rawId: unknown): Promise<PostbackStatus> {
  const postbackId = parseInput(z.uuid(), rawId);
  const row = await deps.prisma.postbackLog.findUnique({ where: { postbackId } });
  if (row) {
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
  const dead = await deps.deadLetters.getJob(postbackId);
  if (dead) {
    const postback = dead.data.postback as Partial<PostbackJob>;
    return {
      postback_id: postbackId,
      ...receipt(postback),
      processed_at: null,
      outcome: 'dead_lettered',
      attempts: dead.data.attemptsMade,
      error: dead.data.failedReason,
    };
  }
  const queued = await deps.queue.getJob(postbackId);
  if (queued) {
    return {
      postback_id: postbackId,
      ...receipt(queued.data),
      processed_at: null,
      outcome: 'queued',
      attempts: queued.attemptsMade,
      error: queued.failedReason || null,
    };
  }
  throw new NotFoundError(`postback ${postbackId} not found`);
}

function receipt(p: Partial<PostbackJob>) {
  return {
    transaction_id: typeof p.transactionId === 'string' ? p.transactionId : null,
    received_at: typeof p.receivedAt === 'number' ? new Date(p.receivedAt).toISOString() : null,
  };
}

import type { Job } from 'bullmq';
import { z } from 'zod';
import type { DeadLetterData, DeadLetterPair } from '@postback/core';
import type { AdminDeps } from '../wiring/adminDeps.js';
import type { CommonDeadLetterFilter } from './deadLetterFilter.js';

/** The dead-letter queues operators work on: the postback shards' and the affiliate notifications' deliveries'. */
export const DEAD_LETTER_QUEUES = ['postbacks', 'deliveries'] as const;
export type DeadLetterQueue = (typeof DEAD_LETTER_QUEUES)[number];

/** The `queue` of a dead-letter request (query or body); without one, the postbacks', as before there were two. */
export const queueSelector = z.enum(DEAD_LETTER_QUEUES).default('postbacks');

/** One dead-letter pair of a queue and the name its entries are found under (a postback shard, or the deliveries). */
export interface DeadLetterPlace {
  shard: string;
  pair: DeadLetterPair<unknown>;
}

/** An entry of a place, as read from its dead-letter queue. */
export interface DeadLetterEntry {
  shard: string;
  job: Job<DeadLetterData>;
}

/**
 * What the list, show, delete, replay and purge machinery needs to know of one dead-letter queue: where its entries
 * are, the filter it takes, how to tell which entries a filter takes and how an entry is shown. The machinery itself
 * (scanDeadLetters, deadLetters.ts, dlqReplays.ts, dlqPurge.ts) is the same for all. Methods, not function
 * properties: a source of a narrower filter is one of the general kind (the scan only ever passes it its own).
 */
export interface DeadLetterSource<F extends CommonDeadLetterFilter = CommonDeadLetterFilter, S = unknown> {
  queue: DeadLetterQueue;
  /** What one entry is called in an error ("dead-lettered postback"). */
  noun: string;
  /** Its filter: the common fields and its own, strict. */
  filterSchema: z.ZodType<F>;
  /** Every pair whose dead-letter queue may hold entries (through withRedis). */
  places(deps: AdminDeps): Promise<DeadLetterPlace[]>;
  /** When the entry was dead-lettered and its error kind: what the common filter fields go by. */
  timeAndKindOf(data: DeadLetterData): { deadLetteredAt: number; errorKind: string };
  /**
   * Which entries of a page the filter's own fields take (the ids, time and kind are the scan's), in order; may read
   * Postgres once for the page, never once per entry.
   */
  matching(deps: AdminDeps, page: DeadLetterData[], filter: F): Promise<boolean[]>;
  /** The entries as GET /admin/dlq and `dlq list` show them, in order. */
  summaries(deps: AdminDeps, entries: DeadLetterEntry[]): Promise<S[]>;
}

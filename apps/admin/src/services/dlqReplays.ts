import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { replayDeadLetter, type Logger, type ReplayOutcome } from '@postback/core';
import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import type { CommonDeadLetterFilter } from './deadLetterFilter.js';
import type { DeadLetterQueue, DeadLetterSource } from './deadLetterSource.js';
import { deadLetterSourceIn } from './deadLetterSources.js';
import { deliveryDeadLetterSource } from './deliveryDeadLetterSource.js';
import { text, wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';
import { postbackDeadLetterSource } from './postbackDeadLetterSource.js';
import { queuesNamed } from './queuesNamed.js';
import { createRatePacer } from './ratePacer.js';
import { scanDeadLetters } from './scanDeadLetters.js';

// A running replay writes its progress (and so its heartbeat) about this often…
const PROGRESS_EVERY_MS = 1000;
// …and one whose heartbeat is this old was cut short: its process stopped without finishing it.
const STALE_AFTER_SECONDS = 30;

/** How a replay goes, whatever it takes: its rate, and who the record names. */
export const replayRequestFields = {
  rate_per_second: wholeNumber(1, 100_000).optional(),
  operator: text(100, { trim: true }).optional(),
};

/** A request's `queue` as a queue's own schema takes it: the postbacks' may be left out (the default). */
export const queueFieldOf = (queue: DeadLetterQueue) => (queue === 'postbacks' ? z.literal('postbacks').optional() : z.literal(queue));

/** A replay request of one queue: its filter is that queue's (no filter: every entry). */
function replayRequestSchemaFor<F extends CommonDeadLetterFilter, S>(source: DeadLetterSource<F, S>) {
  return z.strictObject({
    queue: queueFieldOf(source.queue),
    filter: source.filterSchema.optional(),
    /** Count what the filter matches; replay nothing, record nothing. */
    dry_run: z.boolean().default(false),
    ...replayRequestFields,
  });
}
/** Every queue's replay request (the body of POST /admin/dlq/replays, for the OpenAPI document). */
export const replayRequestSchema = z.union([replayRequestSchemaFor(postbackDeadLetterSource), replayRequestSchemaFor(deliveryDeadLetterSource)]);
export const replayIdParam = z.uuid();
export const replayListQuery = z.object({ limit: wholeNumber(1, 1000).default(50) });

type ReplayRow = NonNullable<Awaited<ReturnType<AdminDeps['prisma']['dlqReplay']['findUnique']>>>;

/** A replay as the API and the CLI show it. */
export interface ReplayRecord {
  id: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted';
  /**
   * The dead-letter queues it replays, one per shard, as BullMQ names them (with their shard's prefix), space-separated;
   * null for replays recorded before the column existed.
   */
  queue: string | null;
  filter: unknown;
  rate_per_second: number;
  operator: string;
  matched: number | null;
  replayed: number;
  missing: number;
  cancel_requested: boolean;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ReplayEstimate {
  dry_run: true;
  matched: number;
  filter: CommonDeadLetterFilter;
}

function replayRecordOf(row: ReplayRow): ReplayRecord {
  return {
    id: row.id,
    status: row.status,
    queue: row.queue,
    filter: row.filter,
    rate_per_second: row.ratePerSecond,
    operator: row.operator,
    matched: row.matched,
    replayed: row.replayed,
    missing: row.missing,
    cancel_requested: row.cancelRequested,
    error: row.error,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

export interface ReplayHooks {
  /** Called with the record after each progress write (the CLI prints it). */
  onProgress?: (record: ReplayRecord) => void;
  /** Called for each matched job once its turn came: replayed by this replay, or missing (gone by then). */
  onJob?: (jobId: string, outcome: ReplayOutcome, shard: string) => void;
  /** Once the failure is recorded, reject with its error rather than resolve with the record (the CLI's exit code). */
  rethrow?: boolean;
}

export interface DlqReplays {
  start(input: unknown, defaultOperator: string): Promise<ReplayEstimate | ReplayRecord>;
  run(input: unknown, defaultOperator: string, hooks?: ReplayHooks): Promise<ReplayEstimate | ReplayRecord>;
  get(id: string): Promise<ReplayRecord>;
  list(input: unknown): Promise<{ replays: ReplayRecord[] }>;
  cancel(id: string): Promise<ReplayRecord>;
  /** Waits for this process's replay to end (tests); for any other, its record as it stands. */
  settled(id: string): Promise<ReplayRecord>;
  /** Stops this process's replays (recorded as interrupted) and waits for them to write their last state. */
  close(): Promise<void>;
}

interface Running {
  controller: AbortController;
  done: Promise<ReplayRecord>;
}

/**
 * Replays of dead-lettered jobs, recorded in dlq_replays: every replay, whichever way it is asked for. A replay
 * scans every shard's dead-letter queue for what its filter matches, then puts those jobs back, oldest first, each on
 * its own shard's queue (under their ids, through the shards' one enqueue path; see replayDeadLetter, which also
 * makes parallel replays of one job count it once) at no more than its rate,
 * writing its progress about every second. It stops between two jobs when cancelled, from this process or from any
 * other (cancel_requested); close() stops this process's replays and records them as interrupted.
 */
export function createDlqReplays(deps: AdminDeps, logger?: Logger): DlqReplays {
  const running = new Map<string, Running>();

  // A replay whose process died (crash, kill -9) keeps status running; its silent heartbeat gives it away.
  const markInterrupted = () => deps.prisma.$executeRaw`
    UPDATE dlq_replays SET status = 'interrupted', finished_at = heartbeat_at, error = 'stopped before it finished'
    WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})`;

  async function execute(id: string, source: DeadLetterSource, filter: CommonDeadLetterFilter, rate: number, controller: AbortController, hooks: ReplayHooks): Promise<ReplayRecord> {
    const signal = controller.signal;
    let lastWrite = Date.now();
    const progress = async (data: { matched?: number; replayed?: number; missing?: number; startedAt?: Date }, force = false) => {
      if (!force && Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = Date.now();
      const row = await deps.prisma.dlqReplay.update({ where: { id }, data: { ...data, heartbeatAt: new Date() } });
      if (row.cancelRequested) controller.abort('cancel');
      hooks.onProgress?.(replayRecordOf(row));
    };
    const finish = (data: Partial<Pick<ReplayRow, 'status' | 'error' | 'replayed' | 'missing'>>) =>
      deps.prisma.dlqReplay.update({ where: { id }, data: { ...data, finishedAt: new Date(), heartbeatAt: new Date() } });
    const stoppedStatus = () => (signal.reason === 'cancel' ? 'cancelled' : 'interrupted');

    let replayed = 0;
    let missing = 0;
    try {
      const found = await scanDeadLetters(deps, source, filter, { signal, onPage: ({ matched }) => progress({ matched }) });
      if (signal.aborted) return replayRecordOf(await finish({ status: stoppedStatus() }));
      const startedAt = Date.now();
      await progress({ matched: found.length, startedAt: new Date(startedAt) }, true);
      const pace = createRatePacer(rate, startedAt, signal);
      for (const { id, shard, place } of found) {
        if (!(await pace())) break;
        const outcome = await deps.withRedis(() => replayDeadLetter(place.pair, id));
        if (outcome === 'replayed') replayed += 1;
        else missing += 1;
        hooks.onJob?.(id, outcome, shard);
        await progress({ replayed, missing });
      }
      const status = signal.aborted ? stoppedStatus() : 'completed';
      const done = replayRecordOf(await finish({ status, replayed, missing }));
      hooks.onProgress?.(done);
      return done;
    } catch (err) {
      logger?.error({ err, replay_id: id }, 'dead-letter replay failed');
      const failed = replayRecordOf(await finish({ status: 'failed', error: err instanceof Error ? err.message : String(err), replayed, missing }));
      if (hooks.rethrow) throw err;
      return failed;
    }
  }

  type Begun = { estimate: ReplayEstimate } | { row: ReplayRow; source: DeadLetterSource; filter: CommonDeadLetterFilter };
  async function begin(input: unknown, defaultOperator: string): Promise<Begun> {
    const source = deadLetterSourceIn(input);
    const request = parseInput(replayRequestSchemaFor(source), input);
    const filter = request.filter ?? {};
    if (request.dry_run) {
      const found = await scanDeadLetters(deps, source, filter);
      return { estimate: { dry_run: true, matched: found.length, filter } };
    }
    // Refused while Redis is unreachable (503), rather than recorded as a replay that failed at once.
    const places = await source.places(deps);
    const row = await deps.prisma.dlqReplay.create({
      data: {
        id: randomUUID(),
        // The record names the dead-letter queues it replays: every shard's, or the deliveries'.
        queue: queuesNamed(places.map(({ pair }) => pair.deadLetters.qualifiedName)),
        filter,
        ratePerSecond: request.rate_per_second ?? deps.cfg.DLQ_REPLAY_RATE_PER_SECOND,
        operator: request.operator ?? defaultOperator,
      },
    });
    return { row, source, filter };
  }

  function launch({ row, source, filter }: Exclude<Begun, { estimate: ReplayEstimate }>, hooks: ReplayHooks): Running {
    const controller = new AbortController();
    const done = execute(row.id, source, filter, row.ratePerSecond, controller, hooks).finally(() => running.delete(row.id));
    const handle = { controller, done };
    running.set(row.id, handle);
    return handle;
  }

  const replays: DlqReplays = {
    /** A dry run's count, or a replay started in the background: its record, to poll with get(). */
    async start(input: unknown, defaultOperator: string): Promise<ReplayEstimate | ReplayRecord> {
      const begun = await begin(input, defaultOperator);
      if ('estimate' in begun) return begun.estimate;
      launch(begun, {});
      return replayRecordOf(begun.row);
    },
    /** The same, run to its end in the foreground (the CLI, and POST /admin/dlq/replay for ids). */
    async run(input: unknown, defaultOperator: string, hooks: ReplayHooks = {}): Promise<ReplayEstimate | ReplayRecord> {
      const begun = await begin(input, defaultOperator);
      if ('estimate' in begun) return begun.estimate;
      return launch(begun, hooks).done;
    },
    async get(id: string) {
      await markInterrupted();
      const row = await deps.prisma.dlqReplay.findUnique({ where: { id: parseInput(replayIdParam, id, 'id') } });
      if (!row) throw new NotFoundError(`replay ${id} not found`);
      return replayRecordOf(row);
    },
    async list(input: unknown) {
      const { limit } = parseInput(replayListQuery, input);
      await markInterrupted();
      const rows = await deps.prisma.dlqReplay.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
      return { replays: rows.map(replayRecordOf) };
    },
    /** Asks a running replay to stop; whichever process runs it stops before its next job. */
    async cancel(id: string) {
      const replayId = parseInput(replayIdParam, id, 'id');
      await deps.prisma.dlqReplay.updateMany({ where: { id: replayId, status: 'running' }, data: { cancelRequested: true } });
      running.get(replayId)?.controller.abort('cancel');
      return replays.get(replayId);
    },
    async settled(id: string) {
      return running.get(id)?.done ?? replays.get(id);
    },
    async close() {
      const all = [...running.values()];
      for (const r of all) r.controller.abort('shutdown');
      await Promise.allSettled(all.map((r) => r.done));
    },
  };
  return replays;
}

import { prunePostbackLog, type Prisma, type PrismaClient, type PruneOptions } from '@postback/core';
import { AdminInputError, ConflictError, NotFoundError, storeOutage } from './adminErrors.js';
import type { Actor } from './operator.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import type { BulkRejections, Upload } from './bulk/bulkRejections.js';
import { recordAudit, shortList, type AuditAction, type AuditEntry, type AuditFacts } from './services/adminAudit.js';
import { createAdvertiser, createOffer } from './services/advertisers.js';
import { importConversions } from './services/conversions.js';
import { deleteDeadLetter, replayDeadLetters } from './services/deadLetters.js';
import { purgeDeadLetters } from './services/dlqPurge.js';
import type { DlqReplays, ReplayHooks, ReplayRecord } from './services/dlqReplays.js';
import { rotateRejectionEndpoint } from './services/rejectionEndpointRotation.js';
import { createRejectionEndpoint, revokeRejectionEndpoint } from './services/rejectionEndpoints.js';
import { forgetShardLayout } from './services/shardLayouts.js';
import {
  createAffiliatePostback,
  deleteAffiliatePostback,
  pauseAffiliatePostback,
  resumeAffiliatePostback,
} from './services/affiliatePostbacks.js';
import { createAlertRule, deleteAlertRule } from './services/alertRules.js';
import { createPublisher } from './services/publishers.js';

// An audited transaction may wait on Redis (a revocation goes to Redis first): room for its fail-fast timeouts.
const TRANSACTION_TIMEOUT_MS = 30_000;
const ERROR_KEPT_CHARS = 500;

interface ActionSpec<A extends unknown[], R> {
  action: AuditAction;
  /**
   * `in-transaction`: the action runs on one transaction with its audit row, so both commit or neither does.
   * `after`: the row is written once the action returned, because its change is in Redis only (the dead-letter
   * queue, sessions), or must be committed before its Redis step, or is too long for one transaction.
   */
  recorded: 'in-transaction' | 'after';
  run: (deps: AdminDeps, actor: Actor, ...args: A) => Promise<R>;
  /** What the row says; undefined when the call changed nothing (a dry run, an unconfirmed purge). */
  facts: (result: NoInfer<R>, args: NoInfer<A>) => AuditFacts | undefined;
  /** The target of a call that failed, from its arguments. */
  targetOf?: (args: NoInfer<A>) => string | number | undefined;
}

export type AuditedAction<A extends unknown[], R> = (deps: AdminDeps, actor: Actor, ...args: A) => Promise<R>;

/**
 * An admin action that leaves an audit row: the one place where the API's routes, the dashboard's login and the
 * CLI's commands get their record, so no service body knows about auditing. A call that fails on bad input, an
 * unknown id or a refusal (ConflictError) changed nothing and leaves no row, nor does one stopped by an unreachable
 * store, which the caller is told of (503, exit 1) and which would leave Postgres unable to take the row anyway. One
 * that fails otherwise may have changed something (a replay cut short by a job it could not move) and leaves a
 * `failed` row.
 */
function audited<A extends unknown[], R>(spec: ActionSpec<A, R>): AuditedAction<A, R> {
  return async (deps, actor, ...args) => {
    try {
      if (spec.recorded === 'after') {
        const result = await spec.run(deps, actor, ...args);
        const facts = spec.facts(result, args);
        if (facts) await recordAfter(deps, actor, { action: spec.action, ...facts });
        return result;
      }
      return await deps.prisma.$transaction(async (tx) => {
        const result = await spec.run({ ...deps, prisma: asClient(tx) }, actor, ...args);
        const facts = spec.facts(result, args);
        if (facts) await recordAudit(tx, actor, { action: spec.action, ...facts });
        return result;
      }, { timeout: TRANSACTION_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof AdminInputError || err instanceof NotFoundError || err instanceof ConflictError || storeOutage(err))) {
        const error = (err instanceof Error ? err.message : String(err)).slice(0, ERROR_KEPT_CHARS);
        await recordAfter(deps, actor, { action: spec.action, target: spec.targetOf?.(args), details: { error }, outcome: 'failed' });
      }
      throw err;
    }
  };
}

/**
 * A row for an action already done: if Postgres cannot take it, the action still stands (answering 503 would
 * have the operator redo a purge or a replay that happened), and the entry goes to the log instead.
 */
async function recordAfter(deps: AdminDeps, actor: Actor, entry: AuditEntry): Promise<void> {
  try {
    await recordAudit(deps.prisma, actor, entry);
  } catch (err) {
    const line = { audit: { ...actor, ...entry }, err: err instanceof Error ? err.message : String(err) };
    // The CLI has no logger (its stdout is the command's JSON): the line goes to stderr.
    if (deps.logger) deps.logger.error(line, 'audit record not written');
    else process.stderr.write(`${JSON.stringify({ msg: 'audit record not written', ...line })}\n`);
  }
}

/**
 * The transaction as the PrismaClient a service expects. A service that opens a transaction of its own on it gets
 * a savepoint of this one (Prisma 7 nests interactive transactions that way; its types just omit `$transaction`
 * on a transaction client), so its writes and the audit row still commit or roll back together.
 */
export function asClient(tx: Prisma.TransactionClient): PrismaClient {
  return tx as unknown as PrismaClient;
}

const countOf = (input: unknown, field: string) => {
  const list = (input as Record<string, unknown> | undefined)?.[field];
  return Array.isArray(list) ? list.length : undefined;
};

/** A dead-letter filter as an audit row keeps it: a long id list shortened. */
const filterFacts = (filter: unknown) => {
  const f = filter as { ids?: string[] } & Record<string, unknown>;
  return Array.isArray(f?.ids) ? { ...f, ids: shortList(f.ids) } : f;
};

// The deliveries' dead-letter queue is named in the row; the postbacks' (the default) goes without saying, as before.
const queueFacts = (queue: unknown) => (queue === undefined || queue === 'postbacks' ? {} : { queue });

const replayFacts = (r: ReplayRecord): AuditFacts => ({
  target: r.id,
  details: { filter: filterFacts(r.filter), rate_per_second: r.rate_per_second, status: r.status, matched: r.matched, replayed: r.replayed },
});

/** Every state-changing admin action, as the API and the CLI call it. */
export const adminActions = {
  createAdvertiser: audited({
    action: 'advertiser.create',
    recorded: 'in-transaction',
    run: (d, _actor, input: unknown) => createAdvertiser(d.prisma, input),
    facts: (r) => ({ target: r.id, details: { name: r.name } }),
  }),
  createOffer: audited({
    action: 'offer.create',
    recorded: 'in-transaction',
    run: (d, _actor, input: unknown) => createOffer(d.prisma, input),
    facts: (r) => ({ target: r.id, details: { advertiser_id: r.advertiser_id, name: r.name } }),
  }),
  createPublisher: audited({
    action: 'publisher.create',
    recorded: 'in-transaction',
    run: (d, _actor, input: unknown) => createPublisher(d.prisma, input),
    facts: (r) => ({ target: r.id, details: { name: r.name } }),
  }),
  // Never the URL, headers or body (an affiliate's tokens live there), nor the secret.
  createAffiliatePostback: audited({
    action: 'affiliate_postback.create',
    recorded: 'in-transaction',
    run: (d, _actor, input: unknown) => createAffiliatePostback(d.prisma, input),
    facts: (r) => ({
      target: r.id,
      details: { publisher_id: r.publisher_id, offer_id: r.offer_id, method: r.method, events: r.events, delay_seconds: r.delay_seconds, signed: r.signed },
    }),
  }),
  pauseAffiliatePostback: audited({
    action: 'affiliate_postback.pause',
    recorded: 'in-transaction',
    run: (d, actor, id: unknown) => pauseAffiliatePostback(d.prisma, id, actor.operator),
    facts: (r) => ({ target: r.id, details: { paused_reason: r.paused_reason } }),
    targetOf: ([id]) => String(id),
  }),
  resumeAffiliatePostback: audited({
    action: 'affiliate_postback.resume',
    recorded: 'in-transaction',
    run: (d, _actor, id: unknown) => resumeAffiliatePostback(d.prisma, id),
    facts: (r) => ({ target: r.id }),
    targetOf: ([id]) => String(id),
  }),
  deleteAffiliatePostback: audited({
    action: 'affiliate_postback.delete',
    recorded: 'in-transaction',
    run: (d, _actor, id: unknown) => deleteAffiliatePostback(d.prisma, id),
    facts: (r) => ({ target: r.id, details: { publisher_id: r.publisher_id } }),
    targetOf: ([id]) => String(id),
  }),
  // The webhook URL stays out of the row: a Slack incoming-webhook URL is its own secret.
  createAlertRule: audited({
    action: 'alert_rule.create',
    recorded: 'in-transaction',
    run: (d, _actor, input: unknown) => createAlertRule(d.prisma, input),
    facts: (r) => ({
      target: r.id,
      details: {
        advertiser_id: r.advertiser_id, offer_id: r.offer_id, window_minutes: r.window_minutes, min_conversions: r.min_conversions,
        max_rejection_rate_percent: r.max_rejection_rate_percent, notify_resolved: r.notify_resolved,
      },
    }),
  }),
  deleteAlertRule: audited({
    action: 'alert_rule.delete',
    recorded: 'in-transaction',
    run: (d, _actor, id: unknown) => deleteAlertRule(d.prisma, id),
    facts: (r) => ({ target: r.id }),
    targetOf: ([id]) => String(id),
  }),
  // After: the endpoint's row must be committed before its key is registered in Redis (a registry sync drops a
  // registered key whose row it cannot see), so its row cannot wait for the audit row's commit. Should the audit
  // write fail, the key is never shown, and an endpoint nobody holds the key of is no use to anyone.
  createRejectionEndpoint: audited({
    action: 'rejection_url.create',
    recorded: 'after',
    run: (d, _actor, input: unknown) => createRejectionEndpoint(d, input),
    // Never the key, nor the URL that carries it.
    facts: (r) => ({ target: r.id, details: { scope: r.scope, advertiser_id: r.advertiser_id, offer_id: r.offer_id } }),
  }),
  // After, as creation: the new row must be committed before its key is registered in Redis.
  rotateRejectionEndpoint: audited({
    action: 'rejection_url.rotate',
    recorded: 'after',
    run: (d, _actor, id: unknown, input: unknown) => rotateRejectionEndpoint(d, id, input),
    // Never the key, nor the URL that carries it.
    facts: (r) => ({ target: r.id, details: { replaces: r.replaces, scope: r.scope, old_expires_at: r.old_expires_at } }),
    targetOf: ([id]) => String(id),
  }),
  revokeRejectionEndpoint: audited({
    action: 'rejection_url.revoke',
    recorded: 'in-transaction',
    run: (d, _actor, id: unknown) => revokeRejectionEndpoint(d, id),
    facts: (r) => ({ target: r.id, details: { revoked_at: r.revoked_at } }),
    targetOf: ([id]) => String(id),
  }),
  importConversions: audited({
    action: 'conversions.import',
    recorded: 'in-transaction',
    run: (d, _actor, input: unknown) => importConversions(d.prisma, input),
    facts: (r, [input]) => ({ details: { submitted: countOf(input, 'conversions'), imported: r.imported } }),
  }),
  // After: the retention drops partitions and deletes in many short statements, never in one transaction.
  prunePostbackLog: audited({
    action: 'postbacks.prune',
    recorded: 'after',
    run: (d, _actor, options: PruneOptions) => prunePostbackLog(d.prisma, options),
    facts: (r) => (r.dry_run ? undefined : { details: { cutoff: r.cutoff, deleted: r.deleted, dropped_partitions: r.dropped_partitions } }),
  }),
  // The dead-letter actions change Redis only (a replay's own record is kept by dlqReplays): recorded after.
  // POST /admin/dlq/replay: a recorded replay (by ids in the foreground, or all in the background).
  replayDeadLetters: audited({
    action: 'dlq.replay',
    recorded: 'after',
    run: (_d, actor, replays: DlqReplays, input: unknown) => replayDeadLetters(replays, input, actor.operator),
    facts: (r) => ({
      target: r.replay_id,
      details: 'replayed' in r ? { replayed: r.replayed, ids: shortList(r.ids), missing: shortList(r.missing) } : { all: true },
    }),
  }),
  /** A filtered replay started in the background (the API): recorded as it starts; its record tracks the rest. */
  startReplay: audited({
    action: 'dlq.replay',
    recorded: 'after',
    run: (_d, actor, replays: DlqReplays, input: unknown) => replays.start(input, actor.operator),
    facts: (r) => ('dry_run' in r ? undefined : replayFacts(r)),
  }),
  /** A filtered replay run in the foreground (the CLI): recorded once it ended, with how far it got. */
  runReplay: audited({
    action: 'dlq.replay',
    recorded: 'after',
    run: (_d, actor, replays: DlqReplays, input: unknown, hooks: ReplayHooks) => replays.run(input, actor.operator, hooks),
    facts: (r) => ('dry_run' in r ? undefined : replayFacts(r)),
  }),
  cancelReplay: audited({
    action: 'dlq.replay_cancel',
    recorded: 'after',
    run: (_d, _actor, replays: DlqReplays, id: string) => replays.cancel(id),
    // A replay that had already ended is not cancelled: nothing changed.
    facts: (r) => (r.cancel_requested ? { target: r.id, details: { status: r.status } } : undefined),
    targetOf: ([, id]) => id,
  }),
  purgeDeadLetters: audited({
    action: 'dlq.purge',
    recorded: 'after',
    run: (d, _actor, input: unknown) => purgeDeadLetters(d, input),
    facts: (r) => (r.confirmed ? { details: { ...queueFacts(r.queue), filter: filterFacts(r.filter), purged: r.purged } } : undefined),
  }),
  deleteDeadLetter: audited({
    action: 'dlq.delete',
    recorded: 'after',
    run: (d, _actor, id: unknown, query: unknown = {}) => deleteDeadLetter(d, id, query),
    facts: (r, [, query]) => ({ target: r.deleted, details: queueFacts((query as { queue?: unknown } | undefined)?.queue) }),
    targetOf: ([id]) => String(id),
  }),
  // After: staging is a transaction of its own (a COPY of the whole file), and the upload's record keeps the rest.
  uploadBulkRejection: audited({
    action: 'bulk_rejection.upload',
    recorded: 'after',
    run: (_d, actor, bulk: BulkRejections, upload: Upload) => bulk.upload(upload, actor.operator),
    // An Idempotency-Key that named an earlier upload made nothing new.
    facts: ({ record: r, created }) =>
      created
        ? { target: r.id, details: { scope: r.scope, advertiser_id: r.advertiser_id, offer_id: r.offer_id, dry_run: r.dry_run, rows: r.rows, invalid: r.invalid_count } }
        : undefined,
  }),
  cancelBulkRejection: audited({
    action: 'bulk_rejection.cancel',
    recorded: 'after',
    run: (_d, _actor, bulk: BulkRejections, id: unknown) => bulk.cancel(id),
    // An upload that had already left `running` is not cancelled: nothing changed.
    facts: (r) => (r.cancel_requested ? { target: r.id, details: { status: r.status, queued: r.queued } } : undefined),
    targetOf: ([, id]) => String(id),
  }),
  // Redis only: workers stop consuming the layout's shards at their next housekeeping round.
  forgetShardLayout: audited({
    action: 'shard_layout.forget',
    recorded: 'after',
    run: (d, _actor, layout: unknown) => forgetShardLayout(d, layout),
    facts: (r) => ({ target: r.forgotten, details: { shards_no_longer_consumed: r.shards_no_longer_consumed } }),
    targetOf: ([layout]) => String(layout),
  }),
  /** A dashboard login: the session lives in its signed cookie, so there is nothing but the record to write. */
  login: audited({
    action: 'login',
    recorded: 'after',
    run: async (_d, _actor, issue: () => { value: string; expires: Date }) => issue(),
    facts: () => ({}),
  }),
  /** A logout that ended a live session (in Redis); ending none changed nothing. */
  logout: audited({
    action: 'logout',
    recorded: 'after',
    run: (_d, _actor, end: () => Promise<boolean>) => end(),
    facts: (ended) => (ended ? {} : undefined),
  }),
};

import {
  conversionStateOf,
  decideBatch,
  OUTCOMES,
  type Outcome,
  type ConversionStateRow,
  type ConversionState,
  type ConversionStatus,
  type PostbackShard,
  type PrismaClient,
  type Scope,
  type SequencedPostback,
} from '@postback/core';
import type { Answer } from './burst.js';
import type { PlannedPostback, World } from './world.js';

interface ConversionRow extends ConversionStateRow {
  id: bigint;
  transaction_id: string;
  updated_at: Date;
}

interface LogRow {
  postback_id: string;
  endpoint_id: number;
  transaction_id: string;
  reason: string;
  seq: bigint;
  outcome: string;
  attempts: number;
}

interface HistoryRow {
  id: bigint;
  conversion_id: bigint;
  from_status: ConversionStatus;
  to_status: ConversionStatus;
  old_reason: string | null;
  new_reason: string | null;
  postback_id: string;
}

export type Snapshot = Map<string, ConversionRow>;

/** Every conversion as it is now, by transaction id: taken before the burst, it is the reference model's start. */
export async function snapshotConversions(prisma: PrismaClient): Promise<Snapshot> {
  const rows = await prisma.$queryRaw<ConversionRow[]>`
    SELECT c.id, c.transaction_id, c.status::text AS status, c.rejected_reason, c.offer_id, o.advertiser_id,
           c.last_postback_seq, c.updated_at
    FROM conversions c JOIN offers o ON o.id = c.offer_id`;
  return new Map(rows.map((r) => [r.transaction_id, r]));
}

/** The numbers printed for a scenario; every count under `problems` must be 0. */
export interface ScenarioSummary {
  scenario: string;
  sent: number;
  acknowledged: number;
  /** HTTP answers other than 202 (503 while Redis is away, for instance), by status. */
  refused: Record<string, number>;
  /** Requests that got no HTTP answer at all (refused connection, reset), by error code. */
  connectionErrors: Record<string, number>;
  applied: number;
  lost: number;
  duplicated: number;
  /** Postbacks stored and applied whose 202 never reached the client (a receiver killed between the two). */
  appliedWithoutAck: number;
  postbackLogAttempts: number[];
  deadLettered: number;
  seconds: number;
  problems: Record<string, number>;
  notes: Record<string, unknown>;
}

export interface VerifyInput {
  scenario: string;
  prisma: PrismaClient;
  /** Every shard the postbacks may be on: its queue must drain, its dead-letter queue is counted. */
  shards: ReadonlyArray<Pick<PostbackShard, 'queue' | 'deadLetters'>>;
  world: World;
  before: Snapshot;
  answers: Answer[];
  startedAt: number;
  /** Postbacks put on the queue by the test itself (not through a receiver), expected in the log too. */
  injected?: string[];
  drainTimeoutMs?: number;
}

// Every outcome, by what the reference model can say about it (a Record, so a new outcome must be placed here).
// Which in-scope postback changed what depends on the order the workers met them in (an older one met after a
// newer one is superseded); the others depend on the postback alone and must be exactly the model's.
const OUTCOME_CLASS: Record<Outcome, 'applied_in_scope' | 'decided_by_the_postback'> = {
  rejected: 'applied_in_scope',
  reason_updated: 'applied_in_scope',
  unchanged: 'applied_in_scope',
  superseded: 'applied_in_scope',
  not_found: 'decided_by_the_postback',
  out_of_scope: 'decided_by_the_postback',
  revoked: 'decided_by_the_postback',
};
const CHANGES = new Set<string>(['rejected', 'reason_updated']);
const APPLIED_IN_SCOPE = new Set<string>(OUTCOMES.filter((o) => OUTCOME_CLASS[o] === 'applied_in_scope'));

/** Waits until every acknowledged postback has its outcome and every shard's queue is empty. */
export async function waitForDrain(input: Pick<VerifyInput, 'prisma' | 'shards' | 'answers' | 'injected' | 'drainTimeoutMs'>): Promise<boolean> {
  const expected = [...input.answers.filter((a) => a?.postbackId).map((a) => a.postbackId!), ...(input.injected ?? [])];
  const deadline = Date.now() + (input.drainTimeoutMs ?? 120_000);
  for (;;) {
    const [{ n }] = await input.prisma.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM postback_log WHERE postback_id = ANY(${expected}::uuid[])`;
    const counts = await Promise.all(input.shards.map((s) => s.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    if (n === expected.length && counts.every((c) => Object.values(c).every((jobs) => jobs === 0))) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Checks a scenario's end state against the reference model: the pure rules (decideBatch) run over every logged
 * postback in receipt order, from the conversions as they were before the burst.
 */
export async function verifyScenario(input: VerifyInput): Promise<ScenarioSummary> {
  const drained = await waitForDrain(input);
  const { prisma, world, before, answers } = input;
  const logs = await prisma.$queryRaw<LogRow[]>`
    SELECT postback_id::text, endpoint_id, transaction_id, reason, seq, outcome::text, attempts FROM postback_log`;
  const history = await prisma.$queryRaw<HistoryRow[]>`
    SELECT id, conversion_id, from_status::text, to_status::text, old_reason, new_reason, postback_id::text
    FROM conversion_status_history ORDER BY id`;
  const after = await snapshotConversions(prisma);
  const revocations = await prisma.$queryRaw<Array<{ id: number; revoked_seq: bigint }>>`
    SELECT id, revoked_seq FROM rejection_endpoints WHERE revoked_seq IS NOT NULL`;
  const keyRevokedSeqOf = new Map(revocations.map((r) => [r.id, Number(r.revoked_seq)]));

  const logById = new Map(logs.map((l) => [l.postback_id, l]));
  const scopeOf = new Map<number, Scope>(world.keys.map((k) => [k.endpointId, k.scope]));
  const endpointOf = new Map(world.keys.map((k) => [k.key, k.endpointId]));
  const problems: Record<string, number> = {};
  const problem = (name: string, n = 1) => {
    if (n > 0) problems[name] = (problems[name] ?? 0) + n;
  };
  if (!drained) problem('queue_not_drained');

  // What the clients saw.
  const refused: Record<string, number> = {};
  const connectionErrors: Record<string, number> = {};
  const acknowledged: Array<{ id: string; sent: PlannedPostback }> = [];
  for (const a of answers) {
    if (!a) continue;
    if (a.error !== undefined) connectionErrors[a.error] = (connectionErrors[a.error] ?? 0) + 1;
    else if (a.status === 202) acknowledged.push({ id: a.postbackId!, sent: world.plan[a.index]! });
    else refused[String(a.status)] = (refused[String(a.status)] ?? 0) + 1;
  }
  problem('unanswered_request', world.plan.length - answers.filter(Boolean).length);

  // Every 202 is applied, as sent.
  let applied = 0;
  for (const { id, sent } of acknowledged) {
    const log = logById.get(id);
    if (!log) continue;
    applied += 1;
    if (log.transaction_id !== sent.transactionId || log.reason !== sent.reason || log.endpoint_id !== endpointOf.get(sent.key)) {
      problem('applied_differently_from_sent');
    }
  }
  const known = new Set([...acknowledged.map((a) => a.id), ...(input.injected ?? [])]);
  const appliedWithoutAck = logs.filter((l) => !known.has(l.postback_id)).length;
  problem('injected_not_applied', (input.injected ?? []).filter((id) => !logById.has(id)).length);

  // The reference model: the pure rules over every logged postback in receipt order.
  const initial = new Map<string, ConversionState>([...before].map(([tx, c]) => [tx, conversionStateOf(c)]));
  const sequenced: SequencedPostback[] = logs.map((l) => ({
    postbackId: l.postback_id,
    transactionId: l.transaction_id,
    reason: l.reason,
    seq: Number(l.seq),
    scope: scopeOf.get(l.endpoint_id)!,
    keyRevokedSeq: keyRevokedSeqOf.get(l.endpoint_id) ?? null,
  }));
  const model = decideBatch(initial, sequenced);
  for (const { postback, decision } of model.results) {
    const actual = logById.get(postback.postbackId)!.outcome;
    const consistent = APPLIED_IN_SCOPE.has(decision.outcome) ? APPLIED_IN_SCOPE.has(actual) : actual === decision.outcome;
    if (!consistent) problem('wrong_outcome');
  }

  // Final state: the postback received last (highest seq) in scope wins; everything else is untouched.
  for (const [tx, was] of before) {
    const now = after.get(tx)!;
    const expected = model.finalStates.get(tx);
    if (expected) {
      if (now.status !== expected.status || now.rejected_reason !== expected.rejectedReason || Number(now.last_postback_seq) !== expected.lastPostbackSeq) {
        problem('wrong_final_state');
      }
    } else if (
      now.status !== was.status ||
      now.rejected_reason !== was.rejected_reason ||
      now.last_postback_seq !== was.last_postback_seq ||
      now.updated_at.getTime() !== was.updated_at.getTime()
    ) {
      problem('untargeted_conversion_changed');
    }
  }
  problem('conversions_added_or_removed', Math.abs(after.size - before.size));

  // History: exactly one row per postback that changed something, none for anything else, an unbroken chain.
  const historyByPostback = new Map<string, number>();
  for (const h of history) historyByPostback.set(h.postback_id, (historyByPostback.get(h.postback_id) ?? 0) + 1);
  let duplicated = 0;
  for (const [postbackId, rows] of historyByPostback) {
    const log = logById.get(postbackId);
    if (!log) problem('history_without_postback_log', rows);
    else if (!CHANGES.has(log.outcome)) problem('history_for_no_change', rows);
    duplicated += rows - (log && CHANGES.has(log.outcome) ? 1 : 0);
  }
  problem('change_without_history', logs.filter((l) => CHANGES.has(l.outcome) && !historyByPostback.has(l.postback_id)).length);
  const byId = new Map([...after.values()].map((c) => [c.id, c]));
  const chains = new Map<string, HistoryRow[]>();
  for (const h of history) {
    const tx = byId.get(h.conversion_id)!.transaction_id;
    chains.set(tx, [...(chains.get(tx) ?? []), h]);
  }
  for (const [tx, rows] of chains) {
    let status = before.get(tx)!.status;
    let reason = before.get(tx)!.rejected_reason;
    for (const h of rows) {
      if (h.from_status !== status || h.old_reason !== reason) problem('broken_history_chain');
      status = h.to_status;
      reason = h.new_reason;
    }
    if (status !== after.get(tx)!.status || reason !== after.get(tx)!.rejected_reason) problem('history_does_not_end_at_state');
  }

  const deadLettered = await sumOver(input.shards, (s) => s.deadLetters.getWaitingCount());
  problem('left_failed_in_main_queue', await sumOver(input.shards, (s) => s.queue.getFailedCount()));
  return {
    scenario: input.scenario,
    sent: answers.filter(Boolean).length,
    acknowledged: acknowledged.length,
    refused,
    connectionErrors,
    applied,
    lost: acknowledged.length - applied,
    duplicated,
    appliedWithoutAck,
    postbackLogAttempts: [...new Set(logs.map((l) => l.attempts))].sort((a, b) => a - b),
    deadLettered,
    seconds: Math.round((Date.now() - input.startedAt) / 100) / 10,
    problems,
    notes: {
      postbacks_logged: logs.length,
      history_rows: history.length,
      outcomes: countBy(logs.map((l) => l.outcome)),
    },
  };
}

async function sumOver<T>(items: readonly T[], count: (item: T) => Promise<number>): Promise<number> {
  return (await Promise.all(items.map(count))).reduce((a, b) => a + b, 0);
}

function countBy(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i] = (out[i] ?? 0) + 1;
  return out;
}

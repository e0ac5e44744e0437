import type { Command } from 'commander';
import { AdminInputError } from './adminErrors.js';
import { adminActions } from './auditedActions.js';
import type { Actor } from './operator.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import { createDlqReplays, type ReplayRecord } from './services/dlqReplays.js';

/** cli.ts's runner of a command: connects, runs the action, prints its result as JSON, closes. */
export type Run = (action: (deps: AdminDeps, ...args: never[]) => Promise<unknown>) => (...args: unknown[]) => Promise<void>;

interface FilterOptions {
  queue: string;
  all?: boolean;
  errorKind?: string[];
  from?: string;
  to?: string;
  olderThan?: string;
  advertiser?: string;
  offer?: string;
  endpoint?: string;
  affiliatePostback?: string;
  alertRule?: string;
  transaction?: string;
}

/** --queue: which dead-letter queue a command works on (the service checks the name). */
export function withQueueOption(command: Command): Command {
  return command.option('--queue <queue>', 'postbacks (the postback shards\') or deliveries (the affiliate notifications\')', 'postbacks');
}

function withFilterOptions(command: Command): Command {
  return withQueueOption(command)
    .option('--all', 'every dead-lettered job (when no ids or filter are given)')
    .option('--error-kind <kinds...>', 'failure kind: unreadable, a SQLSTATE (23514, P0001) or an error class name')
    .option('--from <time>', 'dead-lettered at or after this ISO time (2026-11-27T08:00:00Z)')
    .option('--to <time>', 'dead-lettered before this ISO time')
    .option('--older-than <age>', 'dead-lettered longer ago than this: 90s, 30m, 12h, 7d, 2w')
    .option('--advertiser <id>', "postbacks of this advertiser's URLs")
    .option('--offer <id>', "postbacks for this offer (its own URL, or a global URL for one of its conversions)")
    .option('--endpoint <id>', 'postbacks sent to this rejection URL')
    .option('--affiliate-postback <id>', 'deliveries of this affiliate postback (--queue deliveries)')
    .option('--alert-rule <id>', 'deliveries of this alert rule (--queue deliveries)')
    .option('--transaction <id>', 'deliveries of a notification about this transaction (--queue deliveries)');
}

/** The filter the options give; with neither ids, a filter nor --all, an error: "everything" is said out loud. */
function filterOf(ids: string[], o: FilterOptions): Record<string, unknown> {
  const filter = Object.fromEntries(
    Object.entries({
      ids: ids.length > 0 ? ids : undefined,
      error_kind: o.errorKind,
      from: o.from,
      to: o.to,
      older_than: o.olderThan,
      advertiser_id: o.advertiser,
      offer_id: o.offer,
      endpoint_id: o.endpoint,
      affiliate_postback_id: o.affiliatePostback,
      alert_rule_id: o.alertRule,
      transaction_id: o.transaction,
    }).filter(([, v]) => v !== undefined),
  );
  if (Object.keys(filter).length === 0 && !o.all) {
    throw new AdminInputError(
      'give ids, a filter (--error-kind, --from, --to, --older-than; postbacks: --advertiser, --offer, --endpoint; deliveries: --affiliate-postback, --alert-rule, --transaction) or --all',
    );
  }
  return filter;
}

const progressLine = (r: ReplayRecord) =>
  `replay ${r.id}: ${r.status}, ${r.replayed} of ${r.matched ?? '?'} replayed${r.missing ? `, ${r.missing} gone meanwhile` : ''}\n`;

/**
 * The dead-letter commands beyond list/delete: filtered replay (in the foreground, progress on stderr, Ctrl-C
 * cancels), its history, and purge. The same services as the admin API's.
 */
export function addDlqCommands(dlq: Command, run: Run, actor: () => Actor): void {
  withFilterOptions(dlq.command('replay [ids...]'))
    .description('put dead-lettered jobs back on the main queue (by id, by filter, or --all), at a capped rate; recorded in the history')
    .option('--dry-run', 'only count what would be replayed')
    .option('--rate <perSecond>', 'jobs per second (default DLQ_REPLAY_RATE_PER_SECOND)')
    // Who the history and the audit trail record: the CLI's --operator (see cli.ts).
    .action(run(async (d, ids: string[], o: FilterOptions & { dryRun?: boolean; rate?: string }) => {
      const replays = createDlqReplays(d);
      let current: string | undefined;
      const cancel = () => {
        process.stderr.write('cancelling…\n');
        if (current) void replays.cancel(current);
      };
      process.on('SIGINT', cancel);
      try {
        return await adminActions.runReplay(
          d,
          actor(),
          replays,
          { queue: o.queue, filter: filterOf(ids, o), dry_run: o.dryRun ?? false, rate_per_second: o.rate },
          { rethrow: true, onProgress: (r) => { current = r.id; process.stderr.write(progressLine(r)); } },
        );
      } finally {
        process.off('SIGINT', cancel);
      }
    }));
  dlq
    .command('history')
    .description('past and running replays, newest first')
    .option('--limit <n>', 'how many', '50')
    .action(run((d, o: { limit: string }) => createDlqReplays(d).list(o)));
  dlq
    .command('show-replay <replayId>')
    .description('one replay: its filter, status and progress')
    .action(run((d, id: string) => createDlqReplays(d).get(id)));
  dlq
    .command('cancel <replayId>')
    .description('stop a running replay (whichever admin process or CLI runs it) before its next job')
    .action(run((d, id: string) => adminActions.cancelReplay(d, actor(), createDlqReplays(d), id)));
  withFilterOptions(dlq.command('purge [ids...]'))
    .description('drop the dead-lettered jobs a filter matches, for good; without --confirm only counts them (exit 2)')
    .option('--confirm', 'really purge')
    .action(run(async (d, ids: string[], o: FilterOptions & { confirm?: boolean }) => {
      const result = await adminActions.purgeDeadLetters(d, actor(), { queue: o.queue, filter: filterOf(ids, o), confirm: o.confirm ?? false });
      if (!result.confirmed) throw new AdminInputError(`would purge ${result.would_purge} dead-lettered jobs; run again with --confirm`);
      return { purged: result.purged };
    }));
}

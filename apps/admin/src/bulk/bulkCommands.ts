import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { adminActions } from '../auditedActions.js';
import { openInput } from '../cliInput.js';
import type { Run } from '../dlqCommands.js';
import type { Actor } from '../operator.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { completeApplied } from './bulkLease.js';
import { isFinal, progressLine } from './bulkProgress.js';
import { createBulkRejections } from './bulkRejections.js';
import type { BulkRecordWithInvalid } from './bulkRecords.js';

// How often the CLI reads the upload's progress, and, off a terminal, prints it.
const FOLLOW_EVERY_MS = 500;
const LOG_EVERY_MS = 10_000;

interface ImportOptions {
  advertiser?: string;
  offer?: string;
  reason?: string;
  dryRun?: boolean;
  format?: 'csv' | 'ndjson';
  idempotencyKey?: string;
  wait: boolean;
}

/** Options as the admin API's query: unset ones left out. */
const queryOf = (entries: Record<string, string | undefined>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

/**
 * Stages the file as the API does, then queues it in the foreground (unless an admin server took it first) and
 * follows it until every queued row is applied: a progress bar on stderr when it is a terminal, a line every 10 s
 * otherwise, and the upload's record as JSON at the end. Ctrl-C cancels the rows not queued yet, or, once all are
 * queued, stops following.
 */
async function importRejections(deps: AdminDeps, actor: Actor, file: string, o: ImportOptions): Promise<BulkRecordWithInvalid> {
  const input = await openInput(file);
  const bulk = createBulkRejections(deps);
  const format = o.format ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
  const { record } = await adminActions.uploadBulkRejection(deps, actor, bulk, {
    query: queryOf({ advertiser_id: o.advertiser, offer_id: o.offer, reason: o.reason, dry_run: o.dryRun ? 'true' : undefined }),
    contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    contentEncoding: undefined,
    idempotencyKey: o.idempotencyKey,
    body: input.createReadStream(),
  });
  if (!o.wait) return record;

  const tty = process.stderr.isTTY === true;
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    process.stderr.write('\ncancelling the rows not queued yet…\n');
    void adminActions.cancelBulkRejection(deps, actor, bulk, record.id).catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);
  const working = bulk.runner.work(record.id);
  let lastLogged = 0;
  const look = async () => {
    await completeApplied(deps.prisma);
    const now = await bulk.get(record.id);
    if (tty) process.stderr.write(`\r\x1b[2K${progressLine(now)}`);
    else if (Date.now() - lastLogged >= LOG_EVERY_MS || isFinal(now)) {
      process.stderr.write(`${progressLine(now)}\n`);
      lastLogged = Date.now();
    }
    return now;
  };
  try {
    let current = await look();
    while (!isFinal(current) && !(interrupted && current.status !== 'running')) {
      await sleep(FOLLOW_EVERY_MS);
      current = await look();
    }
    return current;
  } finally {
    if (tty) process.stderr.write('\n');
    process.off('SIGINT', onInterrupt);
    await bulk.runner.close();
    await working;
  }
}

/** `rejections …`: a bulk upload from a file, and the uploads' records. The same services as the admin API's. */
export function addBulkCommands(program: Command, run: Run, actor: () => Actor): void {
  const rejections = program.command('rejections').description('bulk rejections: a file of transaction ids rejected through the pipeline');
  rejections
    .command('import <file>')
    .description('reject the transaction ids of a CSV (header transaction_id[,reason]) or NDJSON file; progress on stderr, the summary as JSON')
    .option('--advertiser <id>', 'rows may touch any offer of this advertiser')
    .option('--offer <id>', 'rows may touch this offer only')
    .option('--reason <reason>', 'the reason of every row that gives none')
    .option('--dry-run', 'change nothing: count what the rows would do now, by outcome')
    .addOption(new Option('--format <format>', 'the file\'s format (default: csv for a .csv file, else ndjson)').choices(['csv', 'ndjson']))
    .option('--idempotency-key <key>', 'the same key (from the same operator) answers with the first upload, not a second')
    .option('--no-wait', 'print the upload once staged and leave it to the admin server')
    .action(run((d, file: string, o: ImportOptions) => importRejections(d, actor(), file, o)));
  rejections
    .command('bulk-status <id>')
    .description('one upload: status, rows read, queued, applied, outcomes, and a page of its invalid rows by line')
    .option('--invalid-cursor <line>', 'the next_invalid_cursor of the previous page')
    .option('--limit <n>', 'invalid rows per page (at most 1000)', '100')
    .action(run((d, id: string, o: { invalidCursor?: string; limit: string }) =>
      createBulkRejections(d).get(id, queryOf({ invalid_cursor: o.invalidCursor, limit: o.limit }))));
  rejections
    .command('bulk-list')
    .description('the latest uploads, newest first')
    .option('--limit <n>', 'how many (at most 1000)', '50')
    .action(run((d, o: { limit: string }) => createBulkRejections(d).list({ limit: o.limit })));
  rejections
    .command('bulk-cancel <id>')
    .description('stop queuing an upload (whichever admin or CLI queues it); the rows already queued still apply')
    .action(run((d, id: string) => adminActions.cancelBulkRejection(d, actor(), createBulkRejections(d), id)));
}

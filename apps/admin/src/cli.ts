import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { loadConfig, pruneOptionsOf } from '@postback/core';
import { AdminInputError } from './adminErrors.js';
import { adminActions } from './auditedActions.js';
import { addBulkCommands } from './bulk/bulkCommands.js';
import { cliFailure } from './cliFailure.js';
import { CliText } from './cliText.js';
import { openInput } from './cliInput.js';
import { formatRootHelp } from './cliHelp.js';
import { addDlqCommands, withQueueOption } from './dlqCommands.js';
import { cliOperator, cliSource, parseOperatorName, type Actor } from './operator.js';
import { addRejectionUrlCommands } from './rejectionUrlCommands.js';
import { addAffiliateCommands } from './affiliateCommands.js';
import { addAlertRuleCommands } from './alertRuleCommands.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import { listAdvertisers } from './services/advertiserList.js';
import { listOffers } from './services/offerList.js';
import { connectAdminDeps } from './wiring/connectAdminDeps.js';
import { searchAudit } from './services/adminAuditSearch.js';
import { showConversion } from './services/conversions.js';
import { listDeadLetters, showDeadLetter } from './services/deadLetters.js';
import { openPostbackLogCsv } from './services/postbackLogCsv.js';
import { searchPostbackLog } from './services/postbackLogSearch.js';
import { listRefusals } from './services/refusalList.js';
import { showPostback } from './services/postbacks.js';
import { listShardLayouts } from './services/shardLayouts.js';

// The admin operations from a shell: `npx postback <command>` (apps/admin/bin/postback.js, which builds this file
// when it is missing or stale). Prints JSON and nothing else on stdout (a table only when asked: rejection-url list --table); exits 2 on bad input (an unknown command or
// option included), 1 otherwise (something not found, Postgres or Redis unreachable), with a one-line message on stderr (cliFailure.ts).
type Action = (deps: AdminDeps, ...args: never[]) => Promise<unknown>;

function run(action: Action) {
  return async (...args: unknown[]) => {
    const deps = connectAdminDeps(loadConfig());
    try {
      const result = await (action as (d: AdminDeps, ...a: unknown[]) => Promise<unknown>)(deps, ...args);
      if (result instanceof CliText) process.stdout.write(result.text);
      else console.log(JSON.stringify(result, null, 2));
    } finally {
      await deps.close();
    }
  };
}

/**
 * Who the audit trail records a command as: --operator, else the admin token's fingerprint when ADMIN_TOKEN is
 * set (as the API records a caller who gives no name), else the OS user.
 */
function cliActor(given: string | undefined): Actor {
  const source = cliSource();
  // Not ADMIN_TOKEN's fingerprint: the CLI never uses the token, so it would say nothing about who ran the command.
  return { operator: given !== undefined ? parseOperatorName(given, '--operator') : cliOperator(), source };
}

/** The postback log's CSV export on stdout, streamed: stdout's pace holds Postgres back, as an HTTP client's does. */
async function printPostbackLogCsv(filters: Record<string, unknown>) {
  const deps = connectAdminDeps(loadConfig());
  // `… --csv | head`: the reader closing the pipe early ends the export quietly, as it does for any Unix tool.
  let readerGone = false;
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') readerGone = true;
  };
  process.stdout.on('error', onStdoutError);
  try {
    const csv = await openPostbackLogCsv(deps.reads, filters);
    await pipeline(csv.body, process.stdout, { end: false }).catch((err: unknown) => {
      if (!readerGone) throw err;
    });
  } finally {
    process.stdout.off('error', onStdoutError);
    await deps.close();
  }
}

const IMPORT_CHUNK = 1000;

// Each chunk is imported, and audited, in a transaction of its own: a large file is never one long transaction.
async function importFile(deps: AdminDeps, actor: Actor, file: string) {
  const lines = createInterface({ input: (await openInput(file)).createReadStream(), crlfDelay: Infinity });
  let imported = 0;
  let lineNo = 0;
  let chunk: unknown[] = [];
  let chunkLines: number[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    imported += (await adminActions.importConversions(deps, actor, { conversions: chunk }).catch((err: unknown) => {
      throw atLine(err, file, chunkLines);
    })).imported;
    chunk = [];
    chunkLines = [];
  };
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    try {
      chunk.push(JSON.parse(line));
    } catch {
      throw new AdminInputError(`${file}:${lineNo}: not valid JSON`);
    }
    chunkLines.push(lineNo);
    if (chunk.length >= IMPORT_CHUNK) await flush();
  }
  await flush();
  return { imported };
}

// A bad field of the chunk's n-th conversion ("conversions.3.payout") as the file's line: "file:17: payout: …".
function atLine(err: unknown, file: string, chunkLines: number[]): unknown {
  if (!(err instanceof AdminInputError) || err.field === undefined) return err;
  const at = /^conversions\.(\d+)(?:\.(.+))?$/.exec(err.field);
  if (!at) return err;
  const [, index, field] = at;
  // parseInput's message is "field: problem".
  const problem = err.message.slice(err.field.length + 2);
  return new AdminInputError(`${file}:${chunkLines[Number(index)]}: ${field ? `${field}: ` : ''}${problem}`, field);
}

/** Options as the admin API's query: commander's camelCase names to its snake_case ones, unset ones left out. */
const queryOf = (entries: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

export function buildCli(): Command {
  const program = new Command('postback')
    .description(
      'Operate Postback Pipeline: advertisers, offers, rejection URLs, conversions, bulk rejections, dead letters,\n' +
        'publishers, affiliate postbacks, deliveries and alert rules.\n' +
        'Prints JSON on stdout; exits 2 on bad input, 1 when something is not found or Postgres or Redis is unreachable.',
    )
    // A usage error is one line, with where to look next on it.
    .configureOutput({ outputError: (message, write) => write(`${message.trimEnd()} (postback --help lists every command)\n`) })
    .option('--operator <name>', 'who the audit trail and the replay history record (default: cli: and your user name)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  const actor = () => cliActor(program.opts<{ operator?: string }>().operator);

  const advertiser = program.command('advertiser').description('advertisers');
  advertiser
    .command('create')
    .description('create an advertiser')
    .requiredOption('--name <name>', 'advertiser name')
    .action(run((d, o: { name: string }) => adminActions.createAdvertiser(d, actor(), o)));
  advertiser
    .command('list')
    .description('advertisers with their ids, oldest first; pass the printed next_cursor as --cursor for the next page')
    .option('--name <text>', 'only those whose name contains this, in any case')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      listAdvertisers(d.prisma, queryOf({ name: o.name, limit: o.limit, cursor: o.cursor }))));

  const offer = program.command('offer').description('offers');
  offer
    .command('create')
    .description("create an offer of an advertiser")
    // Ids stay strings here: the services' schemas read them (services/inputTypes.ts) and name the bad one.
    .requiredOption('--advertiser <id>', 'advertiser id')
    .requiredOption('--name <name>', 'offer name')
    .action(run((d, o: { advertiser: string; name: string }) =>
      adminActions.createOffer(d, actor(), { advertiser_id: o.advertiser, name: o.name })));
  offer
    .command('list')
    .description('offers with their ids, oldest first; pass the printed next_cursor as --cursor for the next page')
    .option('--advertiser <id>', 'only the offers of this advertiser')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      listOffers(d.prisma, queryOf({ advertiser_id: o.advertiser, limit: o.limit, cursor: o.cursor }))));

  addRejectionUrlCommands(program, run, actor);

  const conversions = program.command('conversions').description('conversions');
  conversions
    .command('import <file>')
    .description('import conversions from NDJSON: {"transaction_id","offer_id","status","payout"?,"publisher_id"?,"sub_id"?} per line')
    .action(run((d, file: string) => importFile(d, actor(), file)));
  program
    .command('conversion')
    .description('one conversion')
    .command('show <transactionId>')
    .description('a conversion with its status history')
    .action(run((d, tx: string) => showConversion(d.prisma, tx)));

  program
    .command('postback')
    .description('one postback')
    .command('show <postbackId>')
    .description('what became of a postback: its outcome, or queued / dead_lettered')
    .action(run((d, id: string) => showPostback(d, id)));

  const postbacks = program.command('postbacks').description('the postback log');
  postbacks
    .command('list')
    .description('processed postbacks, newest first; pass the printed next_cursor as --cursor for the next page')
    .option('--transaction-id <id>', 'only this transaction')
    .option('--advertiser <id>', 'only this advertiser (of the rejection URL or bulk upload)')
    .option('--offer <id>', 'only this offer (the conversion\'s)')
    .option('--endpoint <id>', 'only this rejection URL (endpoint id)')
    .option('--bulk <id>', 'only the rows of this bulk rejection upload')
    .option('--outcome <outcome>', 'only this outcome')
    .option('--since <time>', 'received at or after (ISO 8601)')
    .option('--until <time>', 'received before (ISO 8601)')
    .option('--limit <n>', 'rows per page (at most 1000)')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .option('--csv', 'every matching row as CSV on stdout, streamed (no --limit or --cursor)')
    .action(async (o: Record<string, string | undefined> & { csv?: boolean }) => {
      const filters = queryOf({
        transaction_id: o.transactionId, advertiser_id: o.advertiser, offer_id: o.offer, endpoint_id: o.endpoint, bulk_id: o.bulk,
        outcome: o.outcome, since: o.since, until: o.until,
      });
      if (!o.csv) {
        return run((d) => searchPostbackLog(d.reads, { ...filters, ...queryOf({ limit: o.limit ?? '100', cursor: o.cursor }) }))();
      }
      if (o.limit !== undefined || o.cursor !== undefined) throw new AdminInputError('--csv prints every matching row: no --limit or --cursor');
      await printPostbackLogCsv(filters);
    });
  postbacks
    .command('prune')
    .description('drop the postback-log days and delete the rows older than POSTBACK_LOG_RETENTION_DAYS now (workers do it every RETENTION_INTERVAL_MS)')
    .option('--dry-run', 'only count the rows and name the partitions that would go')
    .action(run((d, o: { dryRun?: boolean }) => adminActions.prunePostbackLog(d, actor(), pruneOptionsOf(loadConfig(), o.dryRun))));

  program
    .command('refusals')
    .description('requests the receivers refused')
    .command('list')
    .description('refused postback requests (4xx), newest first, keys masked; pass the printed next_cursor as --cursor for the next page')
    .option('--endpoint <id>', 'only those that carried this rejection URL\'s key')
    .option('--status <status>', 'only this HTTP status (400 to 499)')
    .option('--since <time>', 'recorded at or after (ISO 8601)')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      listRefusals(d, queryOf({ endpoint_id: o.endpoint, status: o.status, since: o.since, limit: o.limit, cursor: o.cursor }))));

  addBulkCommands(program, run, actor);
  addAffiliateCommands(program, run, actor);
  addAlertRuleCommands(program, run, actor);

  const dlq = program.command('dlq').description('the dead-letter queues: postbacks (the default) and deliveries (--queue deliveries)');
  withQueueOption(dlq.command('list'))
    .description('dead-lettered postbacks (or deliveries): error kind, last error and every attempt\'s error')
    .option('--limit <n>', 'how many', '100')
    .option('--offset <n>', 'skip this many', '0')
    .action(run((d, o: { queue: string; limit: string; offset: string }) => listDeadLetters(d, o)));
  withQueueOption(dlq.command('show <id>'))
    .description('one dead-lettered postback job (or delivery)')
    .action(run((d, id: string, o: { queue: string }) => showDeadLetter(d, id, o)));
  withQueueOption(dlq.command('delete <id>'))
    .description('drop one dead-lettered postback job (or delivery) for good')
    .action(run((d, id: string, o: { queue: string }) => adminActions.deleteDeadLetter(d, actor(), id, o)));
  addDlqCommands(dlq, run, actor);

  const shards = program.command('shards').description("the postback queue's shard layouts (QUEUE_SHARDS values in use)");
  shards
    .command('list')
    .description('every layout announced (workers consume all of them): its shards\' depths, the live processes holding it, and whether it can be forgotten')
    .action(run((d) => listShardLayouts(d)));
  shards
    .command('forget <shards>')
    .description('stop consuming an old layout after a QUEUE_SHARDS change: refused while a process holds it or its shards hold jobs')
    .action(run((d, layout: string) => adminActions.forgetShardLayout(d, actor(), layout)));

  program
    .command('audit')
    .description('the audit trail of admin actions')
    .command('list')
    .description('state-changing admin actions (API, dashboard, CLI), newest first; pass the printed next_cursor as --cursor')
    // Not --operator: that one names who runs this command.
    .option('--by <operator>', 'only this operator (a name, or token:… for the token fingerprint)')
    .option('--action <action>', 'only this action (advertiser.create, rejection_url.revoke, dlq.purge, login…)')
    .option('--since <time>', 'at or after (ISO 8601)')
    .option('--until <time>', 'before (ISO 8601)')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      searchAudit(d.reads, queryOf({ operator: o.by, action: o.action, since: o.since, until: o.until, limit: o.limit, cursor: o.cursor }))));
  // The top-level help lists every command as typed, not only the groups (advertiser, dlq, …).
  program.configureHelp({ showGlobalOptions: true, formatHelp: (cmd) => formatRootHelp(cmd) });
  return program;
}

try {
  await buildCli().parseAsync(process.argv);
} catch (err) {
  const { exitCode, line } = cliFailure(err);
  if (line) console.error(line);
  process.exit(exitCode);
}

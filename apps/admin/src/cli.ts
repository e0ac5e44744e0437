import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { loadConfig, pruneOptionsOf, prunePostbackLog } from '@postback/core';
import { AdminInputError } from './adminErrors.js';
import { cliFailure } from './cliFailure.js';
import { addDlqCommands } from './dlqCommands.js';
import type { AdminDeps } from './wiring/adminDeps.js';
import { createAdvertiser, createOffer } from './services/advertisers.js';
import { connectAdminDeps } from './wiring/connectAdminDeps.js';
import { importConversions, showConversion } from './services/conversions.js';
import { deleteDeadLetter, listDeadLetters } from './services/deadLetters.js';
import { searchPostbackLog } from './services/postbackLogSearch.js';
import { showPostback } from './services/postbacks.js';
import { createRejectionEndpoint, revokeRejectionEndpoint } from './services/rejectionEndpoints.js';

// The admin operations from a shell: `npm run cli -- <command>`. Prints JSON; exits 2 on bad input, 1 otherwise
// (something not found, Postgres or Redis unreachable, a bug), with a one-line message on stderr (cliFailure.ts).
type Action = (deps: AdminDeps, ...args: never[]) => Promise<unknown>;

function run(action: Action) {
  return async (...args: unknown[]) => {
    const deps = connectAdminDeps(loadConfig());
    try {
      const result = await (action as (d: AdminDeps, ...a: unknown[]) => Promise<unknown>)(deps, ...args);
      console.log(JSON.stringify(result, null, 2));
    } finally {
      await deps.close();
    }
  };
}

const IMPORT_CHUNK = 1000;

async function importFile(deps: AdminDeps, file: string) {
  const lines = createInterface({ input: (await openInput(file)).createReadStream(), crlfDelay: Infinity });
  let imported = 0;
  let lineNo = 0;
  let chunk: unknown[] = [];
  let chunkLines: number[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    imported += (await importConversions(deps.prisma, { conversions: chunk }).catch((err) => {
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

// Opened before reading, so a missing or unreadable file is bad input (exit 2), not a crash mid-stream.
async function openInput(file: string) {
  try {
    return await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new AdminInputError(`cannot read ${file} (${code})`);
    throw err;
  }
}

export function buildCli(): Command {
  const program = new Command('cli')
    .description('Operate Postback Pipeline: advertisers, offers, rejection URLs, conversions, dead letters.')
    .exitOverride();

  const advertiser = program.command('advertiser').description('advertisers');
  advertiser
    .command('create')
    .requiredOption('--name <name>', 'advertiser name')
    .action(run((d, o: { name: string }) => createAdvertiser(d.prisma, o)));

  const offer = program.command('offer').description('offers');
  offer
    .command('create')
    // Ids stay strings here: the services' schemas read them (services/inputTypes.ts) and name the bad one.
    .requiredOption('--advertiser <id>', 'advertiser id')
    .requiredOption('--name <name>', 'offer name')
    .action(run((d, o: { advertiser: string; name: string }) => createOffer(d.prisma, { advertiser_id: o.advertiser, name: o.name })));

  const url = program.command('rejection-url').description('rejection URLs (endpoint keys)');
  url
    .command('create')
    .description('create a global (--advertiser) or offer-level (--offer) rejection URL; the key is shown once')
    .option('--advertiser <id>', 'global URL for this advertiser')
    .option('--offer <id>', 'offer-level URL for this offer')
    .action(run((d, o: { advertiser?: string; offer?: string }) =>
      createRejectionEndpoint(d, { advertiser_id: o.advertiser, offer_id: o.offer })));
  url
    .command('revoke <id>')
    .description('revoke a rejection URL; receivers refuse its key within 5 seconds')
    .action(run((d, id: string) => revokeRejectionEndpoint(d, id)));

  const conversions = program.command('conversions').description('conversions');
  conversions
    .command('import <file>')
    .description('import conversions from NDJSON: {"transaction_id","offer_id","status","payout"?} per line')
    .action(run((d, file: string) => importFile(d, file)));
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
    .option('--endpoint <id>', 'only this rejection URL (endpoint id)')
    .option('--outcome <outcome>', 'only this outcome')
    .option('--since <time>', 'received at or after (ISO 8601)')
    .option('--until <time>', 'received before (ISO 8601)')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      searchPostbackLog(d.prisma, Object.fromEntries(Object.entries({
        transaction_id: o.transactionId, endpoint_id: o.endpoint, outcome: o.outcome, since: o.since, until: o.until,
        limit: o.limit, cursor: o.cursor,
      }).filter(([, v]) => v !== undefined)))));
  postbacks
    .command('prune')
    .description('delete postback-log rows older than POSTBACK_LOG_RETENTION_DAYS now (workers do it every RETENTION_INTERVAL_MS)')
    .option('--dry-run', 'only count the rows that would be deleted')
    .action(run((d, o: { dryRun?: boolean }) => prunePostbackLog(d.prisma, pruneOptionsOf(loadConfig(), o.dryRun))));

  const dlq = program.command('dlq').description('the dead-letter queue');
  dlq
    .command('list')
    .option('--limit <n>', 'how many', '100')
    .option('--offset <n>', 'skip this many', '0')
    .action(run((d, o: { limit: string; offset: string }) => listDeadLetters(d, o)));
  dlq
    .command('delete <id>')
    .description('drop one dead-lettered postback for good')
    .action(run((d, id: string) => deleteDeadLetter(d, id)));
  addDlqCommands(dlq, run);
  return program;
}

try {
  await buildCli().parseAsync(process.argv);
} catch (err) {
  const { exitCode, line } = cliFailure(err);
  if (line) console.error(line);
  process.exit(exitCode);
}

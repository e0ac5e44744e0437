import { Option, type Command } from 'commander';
import { adminActions } from './auditedActions.js';
import { CliText } from './cliText.js';
import type { Run } from './dlqCommands.js';
import type { Actor } from './operator.js';
import { rejectionUrlTable } from './rejectionUrlTable.js';
import { listRejectionEndpoints } from './services/rejectionEndpointList.js';
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from './services/rejectionEndpointRotation.js';

/** Options as the admin API's query: unset ones left out. */
const queryOf = (entries: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

interface ListOptions {
  advertiser?: string;
  offer?: string;
  scope?: string;
  active?: boolean;
  revoked?: boolean;
  limit: string;
  cursor?: string;
  table?: boolean;
}

/** `postback rejection-url …`: create, list, rotate and revoke rejection URLs. */
export function addRejectionUrlCommands(program: Command, run: Run, actor: () => Actor): void {
  const url = program.command('rejection-url').description('rejection URLs (endpoint keys)');
  url
    .command('create')
    .description('create a global (--advertiser) or offer-level (--offer) rejection URL; the key is shown once')
    .option('--advertiser <id>', 'global URL for this advertiser')
    .option('--offer <id>', 'offer-level URL for this offer')
    .action(run((d, o: { advertiser?: string; offer?: string }) =>
      adminActions.createRejectionEndpoint(d, actor(), { advertiser_id: o.advertiser, offer_id: o.offer })));
  url
    .command('list')
    .description('rejection URLs with their ids (to rotate or revoke one), created, last used, postbacks in the last 24 hours, ' +
      'expiry and replacement once rotated, revoked; never their keys. JSON, or --table for people')
    .option('--advertiser <id>', "only this advertiser's URLs (global and offer-level)")
    .option('--offer <id>', "only this offer's offer-level URLs")
    .addOption(new Option('--scope <scope>', 'only global or only offer-level URLs').choices(['global', 'offer']))
    .addOption(new Option('--active', 'only URLs not revoked').conflicts('revoked'))
    .option('--revoked', 'only revoked URLs')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .addOption(new Option('--table', 'a readable table instead of JSON').conflicts('json'))
    .option('--json', 'JSON, as every command prints (the default)')
    .action(run(async (d, o: ListOptions) => {
      const page = await listRejectionEndpoints(d.prisma, d.reads, queryOf({
        advertiser_id: o.advertiser, offer_id: o.offer, scope: o.scope,
        revoked: o.revoked ? 'true' : o.active ? 'false' : undefined, limit: o.limit, cursor: o.cursor,
      }));
      return o.table ? new CliText(rejectionUrlTable(page)) : page;
    }));
  url
    .command('rotate <id>')
    .description('a new URL of the same scope in place of this one, shown once; the old one keeps working for the grace ' +
      'period, then is refused by itself')
    .option('--grace <seconds>', `how long the old URL keeps working (0 to ${MAX_GRACE_SECONDS}; 0: it stops now)`, String(DEFAULT_GRACE_SECONDS))
    .action(run((d, id: string, o: { grace: string }) => adminActions.rotateRejectionEndpoint(d, actor(), id, { grace_seconds: o.grace })));
  url
    .command('revoke <id>')
    .description('revoke a rejection URL; receivers refuse its key within 5 seconds')
    .action(run((d, id: string) => adminActions.revokeRejectionEndpoint(d, actor(), id)));
}

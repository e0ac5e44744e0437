import { Option, type Command } from 'commander';
import { AdminInputError } from './adminErrors.js';
import { adminActions } from './auditedActions.js';
import type { Run } from './dlqCommands.js';
import type { Actor } from './operator.js';
import { listAffiliatePostbacks, showAffiliatePostback } from './services/affiliatePostbacks.js';
import { DELAY_SECONDS_DEFAULT, POSTBACK_METHODS } from './services/affiliatePostbackInput.js';
import { DELIVERY_RESULTS, listDeliveries } from './services/deliveryList.js';
import { listPublishers } from './services/publishers.js';

/** Options as the admin API's query or body: unset ones left out, so the service's defaults apply. */
const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

/** `--header 'Name: value'`, repeated, as the API's headers object; a line without a colon is bad input. */
function headersOf(lines: string[] | undefined): Record<string, string> | undefined {
  if (lines === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new AdminInputError(`--header ${JSON.stringify(line)}: expected 'Name: value'`, 'headers');
    const name = line.slice(0, colon).trim();
    // Twice under one name (in any case) is refused by the service; here only the exact same name can collide.
    if (name in headers) throw new AdminInputError(`--header ${name}: given twice`, 'headers');
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A repeatable option's values, in order. */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `a,b` as ['a', 'b'] (blank items dropped: `rejected,` is `rejected`). */
const listOf = (value: string | undefined) => value?.split(',').map((v) => v.trim()).filter((v) => v !== '');

interface CreateOptions {
  publisher: string;
  offer?: string;
  url: string;
  method?: string;
  header?: string[];
  body?: string;
  events: string;
  reasons?: string;
  delay?: string;
  signing?: boolean;
}

/** `postback publisher …`, `postback affiliate-postback …` and `postback deliveries list`. */
export function addAffiliateCommands(program: Command, run: Run, actor: () => Actor): void {
  const publisher = program.command('publisher').description('publishers (affiliates)');
  publisher
    .command('create <name>')
    .description('create a publisher (an affiliate); its id goes in conversion imports and affiliate postbacks')
    .action(run((d, name: string) => adminActions.createPublisher(d, actor(), { name })));
  publisher
    .command('list')
    .description('publishers with their ids, oldest first; pass the printed next_cursor as --cursor for the next page')
    .option('--name <text>', 'only those whose name contains this, in any case')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) => listPublishers(d.prisma, defined({ name: o.name, limit: o.limit, cursor: o.cursor }))));

  const postback = program.command('affiliate-postback').description("affiliate postbacks: telling a publisher of its conversions' rejections");
  postback
    .command('create')
    .description('set up an affiliate postback; --url and --body are templates with macros ({transaction_id}, {status}, ' +
      '{rejected_reason}…); with --signing the secret is shown once')
    .requiredOption('--publisher <id>', 'the publisher whose conversions fire it')
    .option('--offer <id>', "only this offer's conversions (default: all of the publisher's)")
    .requiredOption('--url <url>', 'http(s) URL template, macros URL-encoded where they land')
    .option('--method <method>', `HTTP method: ${POSTBACK_METHODS.join(', ')} (any case; default GET)`)
    .option('--header <header>', "a header 'Name: value' (repeat for more); not webhook-*", collect)
    .option('--body <body>', 'body template (POST or PUT): macros escaped for its content-type')
    .requiredOption('--events <events>', 'rejected, reason_updated, or both: rejected,reason_updated')
    .option('--reasons <reasons>', 'fire only for these rejection reasons, comma-separated (default: every reason)')
    .option('--delay <seconds>', 'wait this long after the first change, so corrections settle (0 to 604800)', String(DELAY_SECONDS_DEFAULT))
    .option('--signing', 'sign deliveries (Standard Webhooks; POST or PUT only)')
    .action(run((d, o: CreateOptions) =>
      adminActions.createAffiliatePostback(d, actor(), defined({
        publisher_id: o.publisher, offer_id: o.offer, url: o.url, method: o.method, headers: headersOf(o.header), body: o.body,
        events: listOf(o.events), reasons: listOf(o.reasons), delay_seconds: o.delay, signing: o.signing,
      }))));
  postback
    .command('list')
    .description('affiliate postbacks (not deleted), oldest first; pass the printed next_cursor as --cursor for the next page')
    .option('--publisher <id>', 'only this publisher\'s')
    .option('--offer <id>', 'only those for this offer')
    .addOption(new Option('--status <status>', 'only active or only paused ones').choices(['active', 'paused']))
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      listAffiliatePostbacks(d.prisma, defined({ publisher_id: o.publisher, offer_id: o.offer, status: o.status, limit: o.limit, cursor: o.cursor }))));
  postback
    .command('show <id>')
    .description('one affiliate postback (never its secret)')
    .action(run((d, id: string) => showAffiliatePostback(d.prisma, id)));
  postback
    .command('pause <id>')
    .description('stop its deliveries: pending notifications are skipped, not sent')
    .action(run((d, id: string) => adminActions.pauseAffiliatePostback(d, actor(), id)));
  postback
    .command('resume <id>')
    .description('fire it again from the next change on (after a pause, or after a 410 Gone paused it)')
    .action(run((d, id: string) => adminActions.resumeAffiliatePostback(d, actor(), id)));
  postback
    .command('delete <id>')
    .description('delete it for good: never fired again; the delivery log still names it')
    .action(run(async (d, id: string) => ({ deleted: (await adminActions.deleteAffiliatePostback(d, actor(), id)).id })));

  program
    .command('deliveries')
    .description('the delivery log of notifications')
    .command('list')
    .description('every attempt to deliver a notification, newest first; pass the printed next_cursor as --cursor for the next page')
    .option('--affiliate-postback <id>', 'only this affiliate postback\'s')
    .option('--alert-rule <id>', 'only this alert rule\'s')
    .option('--transaction <id>', 'only this transaction\'s')
    .addOption(new Option('--status <result>', 'only attempts with this result').choices([...DELIVERY_RESULTS]))
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) =>
      listDeliveries(d.reads, defined({
        affiliate_postback_id: o.affiliatePostback, alert_rule_id: o.alertRule, transaction_id: o.transaction, status: o.status,
        limit: o.limit, cursor: o.cursor,
      }))));
}

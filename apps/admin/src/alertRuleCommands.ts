import type { Command } from 'commander';
import { adminActions } from './auditedActions.js';
import type { Run } from './dlqCommands.js';
import type { Actor } from './operator.js';
import { listAlertRules } from './services/alertRules.js';

/** Options as the admin API's body: unset ones left out, so the service's defaults and checks apply. */
const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

interface CreateOptions {
  offer?: string;
  advertiser?: string;
  window: string;
  minConversions: string;
  maxRate: string;
  webhook: string;
  notifyResolved?: boolean;
}

/** `postback alert-rule …`: rejection-rate alerts posted to a webhook (Slack-compatible). */
export function addAlertRuleCommands(program: Command, run: Run, actor: () => Actor): void {
  const rule = program.command('alert-rule').description('rejection-rate alert rules');
  rule
    .command('create')
    .description("alert when more than --max-rate % of an offer's (or advertiser's) conversions of the last --window minutes " +
      'were rejected, with at least --min-conversions seen')
    // Not mandatory options: the service says "give exactly one of advertiser_id or offer_id" for both at once.
    .option('--offer <id>', 'the offer watched')
    .option('--advertiser <id>', "the advertiser watched (all its offers' conversions)")
    .requiredOption('--window <minutes>', 'how far back to look (1 to 10080)')
    .requiredOption('--min-conversions <n>', 'fewer conversions than this in the window never alert')
    .requiredOption('--max-rate <percent>', 'the rejection rate (0 to 100) above which it fires')
    .requiredOption('--webhook <url>', 'where the Slack-compatible JSON is POSTed')
    .option('--notify-resolved', 'post again once the rate falls back below')
    .action(run((d, o: CreateOptions) =>
      adminActions.createAlertRule(d, actor(), defined({
        offer_id: o.offer, advertiser_id: o.advertiser, window_minutes: o.window, min_conversions: o.minConversions,
        max_rejection_rate_percent: o.maxRate, webhook_url: o.webhook, notify_resolved: o.notifyResolved,
      }))));
  rule
    .command('list')
    .description('alert rules (not deleted) with their state and last evaluation, oldest first')
    .option('--limit <n>', 'rows per page (at most 1000)', '100')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(run((d, o: Record<string, string | undefined>) => listAlertRules(d.prisma, defined({ limit: o.limit, cursor: o.cursor }))));
  rule
    .command('delete <id>')
    .description('delete an alert rule: no longer evaluated')
    .action(run(async (d, id: string) => ({ deleted: (await adminActions.deleteAlertRule(d, actor(), id)).id })));
}

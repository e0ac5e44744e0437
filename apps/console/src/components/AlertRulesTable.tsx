import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { deleteAlertRule, listAlertRules } from '../api/affiliateRoutes';
import type { AlertRule } from '../api/affiliateTypes';
import { evaluationText, maskedWebhook, thresholdText } from '../alerts/alertRuleText';
import { formatTime } from '../format/format';
import { ConfirmDialog } from './ConfirmDialog';
import { DataTable, type Column } from './DataTable';
import { LoadMore } from './LoadMore';
import { Empty, ErrorNotice, Loading } from './QueryState';

function Scope({ rule }: { rule: AlertRule }) {
  if (rule.offer_id !== null) return <Link to={`/offers/${rule.offer_id}/rejection`}>offer {rule.offer_id}</Link>;
  if (rule.advertiser_id !== null) return <Link to={`/advertisers/${rule.advertiser_id}`}>advertiser {rule.advertiser_id}</Link>;
  return <>—</>;
}

/** ok or firing, and since when: the state is what was last notified. */
function RuleState({ rule }: { rule: AlertRule }) {
  return (
    <>
      <span className={`status status-${rule.state}`}>{rule.state}</span>
      {rule.state_changed_at ? <span className="since"> since {formatTime(rule.state_changed_at)}</span> : null}
    </>
  );
}

/** The alert rules: what each watches, its state and last evaluation; delete one after confirming. */
export function AlertRulesTable() {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['alert-rules'],
    queryFn: ({ pageParam }) => listAlertRules({ cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [deleting, setDeleting] = useState<AlertRule | undefined>();
  const remove = useMutation({
    mutationFn: (id: number) => deleteAlertRule(id),
    onSuccess: () => {
      setDeleting(undefined);
      void queryClient.invalidateQueries({ queryKey: ['alert-rules'] });
    },
  });

  // Its state and what the last evaluation saw first: what an account manager opens the page for.
  const columns: Column<AlertRule>[] = [
    { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
    { id: 'state', header: 'State', cell: ({ row }) => <RuleState rule={row.original} /> },
    { id: 'scope', header: 'Scope', cell: ({ row }) => <Scope rule={row.original} /> },
    { id: 'evaluation', header: 'Last evaluation', cell: ({ row }) => <span className="wrap">{evaluationText(row.original)}</span> },
    { id: 'threshold', header: 'Fires when the rejection rate is', cell: ({ row }) => <span className="wrap">{thresholdText(row.original)}</span> },
    { id: 'webhook', header: 'Webhook', cell: ({ row }) => <code>{maskedWebhook(row.original.webhook_url)}</code> },
    { id: 'resolved', header: 'On recovery', cell: ({ row }) => (row.original.notify_resolved ? 'yes' : 'no') },
    {
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => (
        <span className="row-actions">
          <button type="button" className="danger" onClick={() => setDeleting(row.original)} aria-label={`Delete alert rule ${row.original.id}`}>
            Delete…
          </button>
          <Link to={`/deliveries?alert_rule_id=${row.original.id}`} aria-label={`Deliveries of alert rule ${row.original.id}`}>
            Deliveries
          </Link>
        </span>
      ),
    },
  ];

  const rows = list.data?.pages.flatMap((p) => p.alert_rules) ?? [];
  return (
    <>
      {list.isPending ? (
        <Loading what="alert rules" />
      ) : list.isError ? (
        <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No alert rules yet — create one above.</Empty>
      ) : (
        <>
          <DataTable label="Alert rules" columns={columns} rows={rows} rowKey={(r) => String(r.id)} />
          <LoadMore query={list} />
        </>
      )}

      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete alert rule ${deleting?.id ?? ''}?`}
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onCancel={() => {
          setDeleting(undefined);
          remove.reset();
        }}
      >
        <p>
          It is no longer evaluated: nothing more is posted to <code>{deleting ? maskedWebhook(deleting.webhook_url) : ''}</code>, not even a recovery if it is
          firing now. Its deliveries stay in the delivery log. This cannot be undone.
        </p>
        {remove.isError ? <ErrorNotice error={remove.error} action /> : null}
      </ConfirmDialog>
    </>
  );
}

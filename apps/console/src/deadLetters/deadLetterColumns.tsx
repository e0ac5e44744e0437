import type { DeadLetter, DeadLetteredDelivery } from '../api/types';
import type { Column } from '../components/DataTable';
import { formatTime, orDash } from '../format/format';

/** What a row's buttons do: replay it, or ask to delete it. */
export interface RowActions {
  replay: (id: string) => void;
  remove: (id: string) => void;
}

function actionsColumn<R extends { id: string }>(actions: RowActions): Column<R> {
  return {
    id: 'actions',
    header: () => <span className="visually-hidden">Actions</span>,
    cell: ({ row }) => (
      <span className="row-actions">
        <button type="button" onClick={() => actions.replay(row.original.id)} aria-label={`Replay ${row.original.id}`}>
          Replay
        </button>
        <button type="button" className="danger" onClick={() => actions.remove(row.original.id)} aria-label={`Delete ${row.original.id}`}>
          Delete…
        </button>
      </span>
    ),
  };
}

/** Dead-lettered postback jobs: which shard, which transaction and rejection URL. */
export function postbackColumns(actions: RowActions): Column<DeadLetter>[] {
  return [
    { id: 'id', header: 'Id', cell: ({ row }) => <code>{row.original.id}</code> },
    { id: 'shard', header: 'Shard', cell: ({ row }) => row.original.shard },
    { id: 'kind', header: 'Kind', cell: ({ row }) => row.original.error_kind },
    { id: 'at', header: 'Dead-lettered (UTC)', cell: ({ row }) => formatTime(row.original.dead_lettered_at) },
    { id: 'transaction', header: 'Transaction', cell: ({ row }) => orDash(row.original.transaction_id) },
    { id: 'endpoint', header: 'URL id', cell: ({ row }) => orDash(row.original.endpoint_id) },
    { id: 'error', header: 'Error', cell: ({ row }) => <span className="wrap reason">{row.original.error}</span> },
    actionsColumn(actions),
  ];
}

/** Who a notification was for, in words. */
export function notificationFor(d: Pick<DeadLetteredDelivery, 'affiliate_postback_id' | 'alert_rule_id'>): string {
  if (d.affiliate_postback_id !== null) return `Affiliate postback ${d.affiliate_postback_id}`;
  if (d.alert_rule_id !== null) return `Alert rule ${d.alert_rule_id}`;
  return '—';
}

/** Dead-lettered deliveries: which notification, for whom, about which transaction. */
export function deliveryColumns(actions: RowActions): Column<DeadLetteredDelivery>[] {
  return [
    { id: 'notification', header: 'Notification', cell: ({ row }) => <code>{orDash(row.original.notification_id)}</code> },
    { id: 'for', header: 'For', cell: ({ row }) => notificationFor(row.original) },
    { id: 'transaction', header: 'Transaction', cell: ({ row }) => orDash(row.original.transaction_id) },
    { id: 'kind', header: 'Kind', cell: ({ row }) => row.original.error_kind },
    { id: 'at', header: 'Dead-lettered (UTC)', cell: ({ row }) => formatTime(row.original.dead_lettered_at) },
    { id: 'error', header: 'Error', cell: ({ row }) => <span className="wrap reason">{row.original.error}</span> },
    actionsColumn(actions),
  ];
}

/** The entries of a list, told apart by their shape: a postback job has a shard, a delivery a notification. */
export function isPostbackDeadLetter(entry: DeadLetter | DeadLetteredDelivery): entry is DeadLetter {
  return 'shard' in entry;
}

export function isDeliveryDeadLetter(entry: DeadLetter | DeadLetteredDelivery): entry is DeadLetteredDelivery {
  return 'notification_id' in entry;
}

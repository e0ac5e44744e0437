import { Link } from 'react-router';
import type { Delivery } from '../api/affiliateTypes';
import { maskedWebhook } from '../alerts/alertRuleText';
import { formatDuration, formatTime, orDash } from '../format/format';
import { DataTable, type Column } from './DataTable';

/** Where a notification came from: an affiliate postback or a rejection-rate alert rule. */
function Source({ delivery }: { delivery: Delivery }) {
  if (delivery.affiliate_postback_id !== null) return <>postback {delivery.affiliate_postback_id}</>;
  if (delivery.alert_rule_id !== null) return <Link to="/alert-rules">alert rule {delivery.alert_rule_id}</Link>;
  return <>—</>;
}

/** The first kilobyte of the answer, folded until asked for. */
function ResponseHead({ delivery }: { delivery: Delivery }) {
  if (!delivery.response_head) return <>—</>;
  return (
    <details className="response-head">
      <summary>Show response</summary>
      <pre>{delivery.response_head}</pre>
    </details>
  );
}

/** The URL sent to; an alert's is a webhook whose path is its secret (Slack's), so only where it goes is shown. */
function SentTo({ delivery }: { delivery: Delivery }) {
  const url = delivery.alert_rule_id !== null ? maskedWebhook(delivery.url) : delivery.url;
  return <code className="wrap wide">{url}</code>;
}

// What happened first (time, result), then to what, then the details; the notification id, long, last.
const columns: Column<Delivery>[] = [
  { id: 'time', header: 'Time (UTC)', cell: ({ row }) => formatTime(row.original.attempted_at) },
  { id: 'result', header: 'Result', cell: ({ row }) => <span className={`result result-${row.original.result}`}>{row.original.result}</span> },
  { id: 'status_code', header: 'Status code', cell: ({ row }) => orDash(row.original.status_code) },
  { id: 'source', header: 'Source', cell: ({ row }) => <Source delivery={row.original} /> },
  {
    id: 'transaction',
    header: 'Transaction id',
    cell: ({ row }) =>
      row.original.transaction_id ? (
        <Link to={`/conversions/${encodeURIComponent(row.original.transaction_id)}`}>{row.original.transaction_id}</Link>
      ) : (
        '—'
      ),
  },
  { id: 'attempt', header: 'Attempt', cell: ({ row }) => row.original.attempt },
  { id: 'latency', header: 'Latency', cell: ({ row }) => formatDuration(row.original.latency_ms) },
  { id: 'url', header: 'URL (secrets masked)', cell: ({ row }) => <SentTo delivery={row.original} /> },
  { id: 'error', header: 'Error', cell: ({ row }) => (row.original.error ? <span className="wrap wide">{row.original.error}</span> : '—') },
  { id: 'response', header: 'Response head', cell: ({ row }) => <ResponseHead delivery={row.original} /> },
  { id: 'notification', header: 'Notification', cell: ({ row }) => <code>{row.original.notification_id}</code> },
];
/** On a conversion's page every row is of that transaction: its column would only repeat the page's title. */
const conversionColumns = columns.filter((c) => c.id !== 'transaction');

/** Delivery attempts, one row each, as the delivery log and a conversion's page show them. */
export function DeliveriesTable({ label, rows, ofOneConversion = false }: { label: string; rows: Delivery[]; ofOneConversion?: boolean }) {
  return <DataTable label={label} columns={ofOneConversion ? conversionColumns : columns} rows={rows} rowKey={(d) => d.id} />;
}

import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { getConversion } from '../api/routes';
import type { ConversionChange } from '../api/types';
import { ConversionDeliveries } from '../components/ConversionDeliveries';
import { DataTable, type Column } from '../components/DataTable';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { formatTime, orDash } from '../format/format';

const historyColumns: Column<ConversionChange>[] = [
  { id: 'at', header: 'Changed (UTC)', cell: ({ row }) => formatTime(row.original.changed_at) },
  { id: 'from', header: 'From', cell: ({ row }) => row.original.from_status },
  { id: 'to', header: 'To', cell: ({ row }) => row.original.to_status },
  { id: 'old_reason', header: 'Old reason', cell: ({ row }) => orDash(row.original.old_reason) },
  { id: 'new_reason', header: 'New reason', cell: ({ row }) => orDash(row.original.new_reason) },
  { id: 'postback', header: 'Postback', cell: ({ row }) => <code>{orDash(row.original.postback_id)}</code> },
];

/**
 * A conversion with its status history and what its publisher was told of it, opened from a transaction id in the
 * rejection log or the delivery log.
 */
export function ConversionPage() {
  const transactionId = useParams().transactionId ?? '';
  const conversion = useQuery({ queryKey: ['conversion', transactionId], queryFn: () => getConversion(transactionId) });
  return (
    <>
      <p className="breadcrumbs">
        <Link to={`/log?transaction_id=${encodeURIComponent(transactionId)}`}>Rejection log of this transaction</Link>
      </p>
      <h1>Conversion {transactionId}</h1>
      {conversion.isPending ? (
        <Loading what="the conversion" />
      ) : conversion.isError ? (
        <ErrorNotice error={conversion.error} retry={() => void conversion.refetch()} />
      ) : (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`status status-${conversion.data.status}`}>{conversion.data.status}</span>
            </dd>
            <dt>Rejected reason</dt>
            <dd>{orDash(conversion.data.rejected_reason)}</dd>
            <dt>Offer</dt>
            <dd>
              <Link to={`/offers/${conversion.data.offer_id}/rejection`}>{conversion.data.offer_id}</Link>
            </dd>
            <dt>Advertiser</dt>
            <dd>{conversion.data.advertiser_id ? <Link to={`/advertisers/${conversion.data.advertiser_id}`}>{conversion.data.advertiser_id}</Link> : '—'}</dd>
            <dt>Publisher</dt>
            <dd>{conversion.data.publisher_id ? <Link to={`/publishers/${conversion.data.publisher_id}`}>{conversion.data.publisher_id}</Link> : '—'}</dd>
            <dt>Sub id</dt>
            <dd>{conversion.data.sub_id ? <code>{conversion.data.sub_id}</code> : '—'}</dd>
            <dt>Payout</dt>
            <dd>{orDash(conversion.data.payout)}</dd>
            <dt>Created / updated (UTC)</dt>
            <dd>
              {formatTime(conversion.data.created_at)} / {formatTime(conversion.data.updated_at)}
            </dd>
          </dl>
          <h2>Status history</h2>
          {conversion.data.history.length === 0 ? (
            <Empty>No change yet: the conversion is as it was imported.</Empty>
          ) : (
            <DataTable label="Status history" columns={historyColumns} rows={conversion.data.history} rowKey={(h) => `${h.changed_at}-${h.postback_id}`} />
          )}
          <h2>Deliveries</h2>
          <ConversionDeliveries transactionId={transactionId} />
        </>
      )}
    </>
  );
}

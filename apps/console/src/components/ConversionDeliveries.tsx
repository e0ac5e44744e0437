import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { listDeliveries } from '../api/affiliateRoutes';
import { DeliveriesTable } from './DeliveriesTable';
import { LoadMore } from './LoadMore';
import { Empty, ErrorNotice, Loading } from './QueryState';

/** One page of a conversion's attempts: a conversion is rarely told more than a few times. */
const PAGE_SIZE = 20;

/**
 * What the conversion's publisher was told of it: every attempt of its affiliate postbacks' notifications, newest
 * first, from the delivery log (GET /admin/deliveries?transaction_id=).
 */
export function ConversionDeliveries({ transactionId }: { transactionId: string }) {
  const query = useInfiniteQuery({
    queryKey: ['deliveries', { transaction_id: transactionId }],
    queryFn: ({ pageParam }) => listDeliveries({ transaction_id: transactionId, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.deliveries) ?? [];
  if (query.isPending) return <Loading what="the deliveries" />;
  if (query.isError) return <ErrorNotice error={query.error} retry={() => void query.refetch()} />;
  if (rows.length === 0) {
    return (
      <Empty>
        No delivery attempt yet: an affiliate postback is attempted once its delay after the change has passed, and only if the publisher
        has one for this change.
      </Empty>
    );
  }
  return (
    <>
      <DeliveriesTable label="Deliveries of this conversion" rows={rows} ofOneConversion />
      <LoadMore query={query} />
      <p>
        <Link to={`/deliveries?transaction_id=${encodeURIComponent(transactionId)}`}>Open in the delivery log</Link>
      </p>
    </>
  );
}

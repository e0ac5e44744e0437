import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { listDeliveries } from '../api/affiliateRoutes';
import { DELIVERY_RESULTS, type DeliveryResult } from '../api/affiliateTypes';
import { DeliveriesTable } from '../components/DeliveriesTable';
import { FilterForm } from '../components/FilterForm';
import { LoadMore } from '../components/LoadMore';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { filterFromForm, filterFromSearch, searchFromFilter } from '../filters/queryFilter';
import { DELIVERY_FILTER } from '../filters/specs';

/** Rows a page of the log asks for: a screenful, more with Load more. */
const PAGE_SIZE = 50;

const FIELDS = [
  { name: 'affiliate_postback_id', label: 'Affiliate postback id' },
  { name: 'alert_rule_id', label: 'Alert rule id' },
  { name: 'transaction_id', label: 'Transaction id' },
  { name: 'status', label: 'Result', options: [['', 'any'], ...DELIVERY_RESULTS.map((r) => [r, r] as const)] as const },
];

/** The delivery log: every attempt to deliver a notification, newest first, filtered by the URL's query string. */
export function DeliveriesPage() {
  const [params, setParams] = useSearchParams();
  const filter = filterFromSearch(DELIVERY_FILTER, params);
  const query = useInfiniteQuery({
    queryKey: ['deliveries', filter],
    // The spec keeps only DELIVERY_RESULTS in status: the cast states what filterFromSearch checked.
    queryFn: ({ pageParam }) => listDeliveries({ ...filter, status: filter.status as DeliveryResult | undefined, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.deliveries) ?? [];
  return (
    <>
      <h1>Deliveries</h1>
      <p className="muted">Every attempt to deliver an affiliate postback or an alert, newest first. A notification retried shows one row per attempt.</p>
      <FilterForm spec={DELIVERY_FILTER} fields={FIELDS} filter={filter} onApply={(form) => setParams(searchFromFilter(DELIVERY_FILTER, filterFromForm(DELIVERY_FILTER, form)))}>
        <button type="button" onClick={() => setParams({})}>
          Clear
        </button>
      </FilterForm>
      {query.isPending ? (
        <Loading what="the delivery log" />
      ) : query.isError ? (
        <ErrorNotice error={query.error} retry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No delivery attempts match these filters. A notification is attempted once its delay has passed.</Empty>
      ) : (
        <>
          <DeliveriesTable label="Deliveries" rows={rows} />
          <LoadMore query={query} />
        </>
      )}
    </>
  );
}

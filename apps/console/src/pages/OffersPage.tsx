import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { createOffer, listAdvertisers, listOffers } from '../api/routes';
import type { Offer } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { LoadMore } from '../components/LoadMore';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { formatTime } from '../format/format';
import { entityId } from './entityId';

const columns: Column<Offer>[] = [
  { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
  { id: 'name', header: 'Name', cell: ({ row }) => <Link to={`/offers/${row.original.id}/rejection`}>{row.original.name}</Link> },
  { id: 'advertiser', header: 'Advertiser', cell: ({ row }) => <Link to={`/advertisers/${row.original.advertiser_id}`}>{row.original.advertiser_id}</Link> },
  { id: 'created', header: 'Created (UTC)', cell: ({ row }) => formatTime(row.original.created_at) },
  { id: 'rejection', header: 'Rejection URLs', cell: ({ row }) => <Link to={`/offers/${row.original.id}/rejection`}>Conversion Tracking → Rejection</Link> },
];

/** Offers, filtered by advertiser and by a part of the name, both in the API. */
export function OffersPage() {
  const [params, setParams] = useSearchParams();
  const advertiserId = entityId(params.get('advertiser_id') ?? undefined);
  const name = params.get('name') ?? '';
  const query = useInfiniteQuery({
    queryKey: ['offers', { advertiser_id: advertiserId, name }],
    queryFn: ({ pageParam }) => listOffers({ advertiser_id: advertiserId, name: name || undefined, cursor: pageParam, limit: 100 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.offers) ?? [];
  return (
    <>
      <h1>Offers</h1>
      <CreateOffer defaultAdvertiser={advertiserId} />
      <form
        role="search"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const next: Record<string, string> = {};
          for (const field of ['advertiser_id', 'name']) {
            const value = String(form.get(field) ?? '').trim();
            if (value) next[field] = value;
          }
          setParams(next);
        }}
      >
        <label>
          Advertiser id
          <input name="advertiser_id" inputMode="numeric" defaultValue={advertiserId ?? ''} key={`a${advertiserId}`} />
        </label>
        <label>
          Name contains
          <input name="name" type="search" defaultValue={name} key={`n${name}`} />
        </label>
        <button type="submit">Search</button>
      </form>
      {query.isPending ? (
        <Loading what="offers" />
      ) : query.isError ? (
        <ErrorNotice error={query.error} retry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{name || advertiserId ? 'No offer matches this filter — clear it or create one above.' : 'No offers yet — create one above.'}</Empty>
      ) : (
        <DataTable label="Offers" columns={columns} rows={rows} rowKey={(o) => String(o.id)} />
      )}
      <LoadMore query={query} />
    </>
  );
}

function CreateOffer({ defaultAdvertiser }: { defaultAdvertiser?: number }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const advertisers = useQuery({ queryKey: ['advertisers', 'all'], queryFn: () => listAdvertisers({ limit: 1000 }) });
  const [advertiser, setAdvertiser] = useState(defaultAdvertiser ? String(defaultAdvertiser) : '');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => createOffer({ advertiser_id: Number(advertiser), name: name.trim() }),
    onSuccess: (made) => {
      void queryClient.invalidateQueries({ queryKey: ['offers'] });
      void navigate(`/offers/${made.id}/rejection`);
    },
  });
  return (
    <form
      className="create"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      {/* A label of its own (not wrapped): a wrapping label's name would include the chosen option's text. */}
      <span className="field">
        <label htmlFor="new-offer-advertiser">Advertiser</label>
        <select id="new-offer-advertiser" value={advertiser} onChange={(e) => setAdvertiser(e.target.value)} required>
          <option value="">{advertisers.isPending ? 'Loading…' : 'Choose an advertiser'}</option>
          {(advertisers.data?.advertisers ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.id})
            </option>
          ))}
        </select>
      </span>
      <label>
        New offer's name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create offer
      </button>
      {advertisers.isError ? <ErrorNotice error={advertisers.error} retry={() => void advertisers.refetch()} /> : null}
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}

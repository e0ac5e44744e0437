import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { createAdvertiser, listAdvertisers } from '../api/routes';
import type { Advertiser } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { LoadMore } from '../components/LoadMore';
import { useNameSearch } from '../components/NameSearch';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { formatTime } from '../format/format';

const columns: Column<Advertiser>[] = [
  { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
  { id: 'name', header: 'Name', cell: ({ row }) => <Link to={`/advertisers/${row.original.id}`}>{row.original.name}</Link> },
  { id: 'created', header: 'Created (UTC)', cell: ({ row }) => formatTime(row.original.created_at) },
  { id: 'rejection', header: 'Rejection URLs', cell: ({ row }) => <Link to={`/advertisers/${row.original.id}/rejection`}>Tracking Links & Postbacks → Rejection</Link> },
];

export function AdvertisersPage() {
  const { name, form: search } = useNameSearch();
  const query = useInfiniteQuery({
    queryKey: ['advertisers', name],
    queryFn: ({ pageParam }) => listAdvertisers({ name: name || undefined, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.advertisers) ?? [];
  return (
    <>
      <h1>Advertisers</h1>
      <CreateAdvertiser />
      {search}
      {query.isPending ? (
        <Loading what="advertisers" />
      ) : query.isError ? (
        <ErrorNotice error={query.error} retry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{name ? `No advertiser's name contains “${name}”.` : 'No advertisers yet — create one above.'}</Empty>
      ) : (
        <>
          <DataTable label="Advertisers" columns={columns} rows={rows} rowKey={(a) => String(a.id)} />
          <LoadMore query={query} />
        </>
      )}
    </>
  );
}

function CreateAdvertiser() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => createAdvertiser({ name: name.trim() }),
    onSuccess: (made) => {
      void queryClient.invalidateQueries({ queryKey: ['advertisers'] });
      void navigate(`/advertisers/${made.id}/rejection`);
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
      <label>
        New advertiser's name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create advertiser
      </button>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </form>
  );
}

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { deleteAffiliatePostback, listAffiliatePostbacks, pauseAffiliatePostback, resumeAffiliatePostback } from '../api/affiliateRoutes';
import type { AffiliatePostback } from '../api/affiliateTypes';
import { formatTime } from '../format/format';
import { ConfirmDialog } from './ConfirmDialog';
import { DataTable, type Column } from './DataTable';
import { LoadMore } from './LoadMore';
import { Empty, ErrorNotice, Loading } from './QueryState';

/** Paused: by whom or what (a 410 from the affiliate's host says so) and since when. */
function PostbackStatus({ postback }: { postback: AffiliatePostback }) {
  if (postback.status === 'active') return <span className="status status-active">active</span>;
  return (
    <span className="wrap">
      <span className="status status-paused">paused</span>
      {postback.paused_at ? <span className="since"> since {formatTime(postback.paused_at)}</span> : null}
      {postback.paused_reason ? <span className="paused-detail">{postback.paused_reason}</span> : null}
    </span>
  );
}

/** A publisher's affiliate postbacks: what each sends and when, pause or resume one, delete one after confirming. */
export function AffiliatePostbacksTable({ publisherId }: { publisherId: number }) {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['affiliate-postbacks', { publisher_id: publisherId }],
    queryFn: ({ pageParam }) => listAffiliatePostbacks({ publisher_id: publisherId, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [deleting, setDeleting] = useState<AffiliatePostback | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['affiliate-postbacks'] });
  const pauseOrResume = useMutation({
    mutationFn: ({ id, pause }: { id: number; pause: boolean }) => (pause ? pauseAffiliatePostback(id) : resumeAffiliatePostback(id)),
    // Refreshed on a refusal too: a 404 means another operator deleted it, and the list should say so.
    onSettled: () => void refresh(),
  });
  const remove = useMutation({
    mutationFn: (id: number) => deleteAffiliatePostback(id),
    onSuccess: () => {
      setDeleting(undefined);
      void refresh();
    },
  });

  // Whether it fires (its status) first, then what it sends.
  const columns: Column<AffiliatePostback>[] = [
    { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
    { id: 'status', header: 'Status', cell: ({ row }) => <PostbackStatus postback={row.original} /> },
    { id: 'method', header: 'Method', cell: ({ row }) => row.original.method },
    { id: 'url', header: 'URL template', cell: ({ row }) => <code className="wrap wide">{row.original.url}</code> },
    { id: 'events', header: 'Events', cell: ({ row }) => row.original.events.join(', ') },
    { id: 'reasons', header: 'Reasons', cell: ({ row }) => <span className="wrap">{row.original.reasons.length > 0 ? row.original.reasons.join(', ') : 'every reason'}</span> },
    { id: 'delay', header: 'Delay', cell: ({ row }) => `${row.original.delay_seconds} s` },
    {
      id: 'scope',
      header: 'Scope',
      cell: ({ row }) =>
        row.original.offer_id === null ? 'all offers' : <Link to={`/offers/${row.original.offer_id}/rejection`}>offer {row.original.offer_id}</Link>,
    },
    { id: 'signed', header: 'Signed', cell: ({ row }) => (row.original.signed ? 'yes' : 'no') },
    { id: 'created', header: 'Created (UTC)', cell: ({ row }) => <span className="wrap">{formatTime(row.original.created_at)}</span> },
    {
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => {
        const postback = row.original;
        const pause = postback.status === 'active';
        return (
          <span className="row-actions">
            <button
              type="button"
              onClick={() => pauseOrResume.mutate({ id: postback.id, pause })}
              disabled={pauseOrResume.isPending}
              aria-label={`${pause ? 'Pause' : 'Resume'} affiliate postback ${postback.id}`}
            >
              {pause ? 'Pause' : 'Resume'}
            </button>
            <button type="button" className="danger" onClick={() => setDeleting(postback)} aria-label={`Delete affiliate postback ${postback.id}`}>
              Delete…
            </button>
            <Link to={`/deliveries?affiliate_postback_id=${postback.id}`} aria-label={`Deliveries of affiliate postback ${postback.id}`}>
              Deliveries
            </Link>
          </span>
        );
      },
    },
  ];

  const rows = list.data?.pages.flatMap((p) => p.affiliate_postbacks) ?? [];
  return (
    <>
      {pauseOrResume.isError ? <ErrorNotice error={pauseOrResume.error} action /> : null}
      {list.isPending ? (
        <Loading what="affiliate postbacks" />
      ) : list.isError ? (
        <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No affiliate postbacks yet — create one above.</Empty>
      ) : (
        <>
          <DataTable label="Affiliate postbacks" columns={columns} rows={rows} rowKey={(p) => String(p.id)} />
          <LoadMore query={list} />
        </>
      )}

      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete affiliate postback ${deleting?.id ?? ''}?`}
        confirmLabel="Delete"
        danger
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onCancel={() => {
          setDeleting(undefined);
          remove.reset();
        }}
      >
        <p>It fires no more: its notifications not sent yet are skipped. Its deliveries stay in the delivery log. This cannot be undone.</p>
        {remove.isError ? <ErrorNotice error={remove.error} action /> : null}
      </ConfirmDialog>
    </>
  );
}

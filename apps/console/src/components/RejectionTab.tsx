import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { createRejectionEndpoint, listRejectionEndpoints, revokeRejectionEndpoint } from '../api/routes';
import type { RejectionEndpoint } from '../api/types';
import { describeEndpointState, endpointState, formatTime, orDash } from '../format/format';
import { ConfirmDialog } from './ConfirmDialog';
import { DataTable, type Column } from './DataTable';
import { RefusalsTable } from './RefusalsTable';
import { Empty, ErrorNotice, Loading } from './QueryState';
import { RotateDialog } from './RotateDialog';
import { ShownOnceUrl } from './ShownOnceUrl';

/** Whose rejection URLs a tab shows: an advertiser's global ones, or an offer's offer-level ones. */
export type RejectionScope = { kind: 'global'; advertiserId: number } | { kind: 'offer'; offerId: number };

const listQueryOf = (scope: RejectionScope) =>
  scope.kind === 'global' ? { advertiser_id: scope.advertiserId, scope: 'global' as const } : { offer_id: scope.offerId };

interface NewUrl {
  title: string;
  url: string;
  note?: string;
}

/**
 * Tracking Links & Postbacks → Rejection (an advertiser's global URLs) and Conversion Tracking → Rejection (an
 * offer's): make a URL, see the scope's URLs, rotate or revoke one, and see the requests the receiver refused.
 */
export function RejectionTab({ scope }: { scope: RejectionScope }) {
  const queryClient = useQueryClient();
  const listKey = ['rejection-endpoints', listQueryOf(scope)];
  const list = useQuery({ queryKey: listKey, queryFn: () => listRejectionEndpoints(listQueryOf(scope)) });
  const [shown, setShown] = useState<NewUrl | undefined>();
  const [revoking, setRevoking] = useState<RejectionEndpoint | undefined>();
  const [rotating, setRotating] = useState<RejectionEndpoint | undefined>();
  const [refusalsOf, setRefusalsOf] = useState<number | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['rejection-endpoints'] });

  const create = useMutation({
    mutationFn: () => createRejectionEndpoint(scope.kind === 'global' ? { advertiser_id: scope.advertiserId } : { offer_id: scope.offerId }),
    onSuccess: (made) => {
      setShown({ title: `New rejection URL (id ${made.id})`, url: made.url });
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => revokeRejectionEndpoint(id),
    onSuccess: () => {
      setRevoking(undefined);
      void refresh();
    },
  });

  // Whether a rotated URL's grace is over, as of when the list was read (the list refetches after every change).
  const now = list.dataUpdatedAt;
  const columns: Column<RejectionEndpoint>[] = [
    { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
    { id: 'created', header: 'Created (UTC)', cell: ({ row }) => formatTime(row.original.created_at) },
    { id: 'last_used', header: 'Last used', cell: ({ row }) => formatTime(row.original.last_used_at) },
    { id: 'postbacks_24h', header: 'Postbacks, last 24 h', cell: ({ row }) => orDash(row.original.postbacks_24h) },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row }) => {
        const state = endpointState(row.original, now);
        return <span className={`status status-${state.kind}`}>{describeEndpointState(state)}</span>;
      },
    },
    {
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) => {
        const endpoint = row.original;
        const state = endpointState(endpoint, now).kind;
        return (
          <span className="row-actions">
            {state === 'live' ? (
              <button type="button" onClick={() => setRotating(endpoint)} aria-label={`Rotate URL ${endpoint.id}`}>
                Rotate…
              </button>
            ) : null}
            {state !== 'revoked' ? (
              <button type="button" className="danger" onClick={() => setRevoking(endpoint)} aria-label={`Revoke URL ${endpoint.id}`}>
                Revoke…
              </button>
            ) : null}
            <button type="button" onClick={() => setRefusalsOf(endpoint.id)} aria-label={`Refused requests of URL ${endpoint.id}`}>
              Refused requests
            </button>
            <Link to={`/log?endpoint_id=${endpoint.id}`} aria-label={`Rejection log of URL ${endpoint.id}`}>
              Log
            </Link>
          </span>
        );
      },
    },
  ];

  return (
    <div className="stack">
      <section>
        <h2 id="create-heading">{scope.kind === 'global' ? 'Global rejection URL' : 'Offer-level rejection URL'}</h2>
        <p className="muted">
          {scope.kind === 'global'
            ? 'One URL for every offer of this advertiser: the advertiser sends the transaction id and the reason.'
            : 'A URL for this offer only: postbacks for another offer’s conversions are refused as out of scope.'}
        </p>
        <button type="button" className="primary" onClick={() => create.mutate()} disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create rejection URL'}
        </button>
        {create.isError ? <ErrorNotice error={create.error} /> : null}
        {shown ? (
          <ShownOnceUrl title={shown.title} url={shown.url}>
            {shown.note ? <p>{shown.note}</p> : null}
          </ShownOnceUrl>
        ) : null}
      </section>

      <section>
        <h2 id="urls-heading">Rejection URLs</h2>
        {list.isPending ? (
          <Loading what="rejection URLs" />
        ) : list.isError ? (
          <ErrorNotice error={list.error} retry={() => void list.refetch()} />
        ) : list.data.rejection_endpoints.length === 0 ? (
          <Empty>No rejection URLs yet — create one above.</Empty>
        ) : (
          <DataTable label="Rejection URLs" columns={columns} rows={list.data.rejection_endpoints} rowKey={(e) => String(e.id)} />
        )}
      </section>

      {refusalsOf !== undefined ? (
        <section>
          <h2 id="refusals-heading">Refused requests of URL {refusalsOf}</h2>
          <RefusalsTable filter={{ endpoint_id: refusalsOf }} />
        </section>
      ) : null}

      <ConfirmDialog
        open={revoking !== undefined}
        title={`Revoke rejection URL ${revoking?.id ?? ''}?`}
        confirmLabel="Revoke"
        danger
        busy={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onCancel={() => {
          setRevoking(undefined);
          revoke.reset();
        }}
      >
        <p>Receivers refuse its key within seconds (401) and nothing sent with it afterwards is applied. This cannot be undone.</p>
        {revoke.isError ? <ErrorNotice error={revoke.error} /> : null}
      </ConfirmDialog>

      <RotateDialog
        endpoint={rotating}
        onClose={() => setRotating(undefined)}
        onRotated={(made) => {
          setRotating(undefined);
          setShown({
            title: `New rejection URL (id ${made.id}), replacing URL ${made.replaces}`,
            url: made.url,
            note: `The old URL keeps working until ${formatTime(made.old_expires_at)} UTC, then stops by itself.`,
          });
          void refresh();
        }}
      />
    </div>
  );
}

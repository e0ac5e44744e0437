import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError } from '../api/http';
import { cancelReplay, deleteDeadLetter, estimateReplay, getReplay, listDeadLetters, listReplays, purgeDeadLetters, startReplay } from '../api/routes';
import type { DeadLetterFilter, DeadLetterQueue, Replay } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DataTable, type Column } from '../components/DataTable';
import { FilterForm } from '../components/FilterForm';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { deliveryColumns, isDeliveryDeadLetter, isPostbackDeadLetter, postbackColumns } from '../deadLetters/deadLetterColumns';
import { deadLetterFilterOf, deadLetterQueueOf, replayProgress } from '../deadLetters/deadLetterFilter';
import { QueueSwitch } from '../deadLetters/QueueSwitch';
import { filterFromForm, filterFromSearch, searchFromFilter } from '../filters/queryFilter';
import { DEAD_LETTER_FILTER, DELIVERY_DEAD_LETTER_FILTER } from '../filters/specs';
import { formatTime, orDash } from '../format/format';

const WHEN_AND_KIND = [
  { name: 'error_kind', label: 'Error kind (23514, P0001, unreadable…)' },
  { name: 'from', label: 'Dead-lettered from (UTC)' },
  { name: 'to', label: 'Dead-lettered before (UTC)' },
];
// Each queue's filter form: its spec (what the address may hold) and its fields.
const FILTERS = {
  postbacks: {
    spec: DEAD_LETTER_FILTER,
    fields: [
      ...WHEN_AND_KIND,
      { name: 'advertiser_id', label: 'Advertiser id' },
      { name: 'offer_id', label: 'Offer id' },
      { name: 'endpoint_id', label: 'Rejection URL id' },
    ],
    empty: 'No dead letters: every postback was applied.',
  },
  deliveries: {
    spec: DELIVERY_DEAD_LETTER_FILTER,
    fields: [
      ...WHEN_AND_KIND,
      { name: 'affiliate_postback_id', label: 'Affiliate postback id' },
      { name: 'alert_rule_id', label: 'Alert rule id' },
      { name: 'transaction_id', label: 'Transaction id' },
    ],
    empty: 'No dead letters: every notification was delivered.',
  },
};

type Confirming = { kind: 'purge'; count: number } | { kind: 'delete'; id: string };

/**
 * Dead letters: what bull-board cannot do — replay one or everything a filter matches (paced, with progress),
 * estimate first, purge with confirmation, delete one, and every replay's record.
 */
export function DeadLettersPage() {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const queue = deadLetterQueueOf(params);
  const form = FILTERS[queue];
  const formFilter = filterFromSearch<typeof form.spec>(form.spec, params);
  const filter = deadLetterFilterOf(formFilter);
  // The queue stays in the address with the filter; switching queues starts with no filter.
  const withQueue = (search: URLSearchParams, q: DeadLetterQueue = queue) => {
    if (q !== 'postbacks') search.set('queue', q);
    return search;
  };
  const [rate, setRate] = useState('');
  const [message, setMessage] = useState('');
  const [following, setFollowing] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<Confirming | undefined>();

  const deadLetters = useQuery({ queryKey: ['dlq', queue], queryFn: () => listDeadLetters({ queue, limit: 200 }) });
  const replays = useQuery({ queryKey: ['dlq-replays'], queryFn: () => listReplays({ limit: 20 }) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['dlq'] }).then(() => queryClient.invalidateQueries({ queryKey: ['dlq-replays'] }));
  const followed = useQuery({
    queryKey: ['dlq-replay', following],
    queryFn: () => getReplay(following!),
    enabled: following !== undefined,
    refetchInterval: (q) => (q.state.data?.status === 'running' || q.state.data === undefined ? 500 : false),
  });
  const progress = followed.data ? replayProgress(followed.data) : '';
  const [settled, setSettled] = useState<string | undefined>();
  // Once the followed replay stops running, the lists show what it did.
  if (followed.data && followed.data.status !== 'running' && settled !== `${followed.data.id}/${followed.data.status}`) {
    setSettled(`${followed.data.id}/${followed.data.status}`);
    void refresh();
  }

  const fail = (what: string) => (err: unknown) => setMessage(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  const replay = useMutation({
    mutationFn: (target: DeadLetterFilter) => startReplay(queue, target, rate ? Number(rate) : undefined),
    onSuccess: (started: Replay) => {
      setMessage('');
      setFollowing(started.id);
      void refresh();
    },
    onError: fail('Replay refused'),
  });
  const estimate = useMutation({
    mutationFn: () => estimateReplay(queue, filter),
    onSuccess: (answer) => setMessage(`${answer.matched} dead-lettered jobs match`),
    onError: fail('Estimate refused'),
  });
  const purgeAsk = useMutation({
    mutationFn: () => purgeDeadLetters(queue, filter, false),
    onError: (err) => {
      const wouldPurge = err instanceof ApiError ? err.body.would_purge : undefined;
      if (typeof wouldPurge === 'number') setConfirming({ kind: 'purge', count: wouldPurge });
      else fail('Purge refused')(err);
    },
  });
  const purge = useMutation({
    mutationFn: () => purgeDeadLetters(queue, filter, true),
    onSuccess: (answer) => {
      setMessage(`Purged ${answer.purged}`);
      setConfirming(undefined);
      void refresh();
    },
    onError: (err) => {
      setConfirming(undefined);
      fail('Purge failed')(err);
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteDeadLetter(queue, id),
    onSuccess: (answer) => {
      setMessage(`Deleted ${answer.deleted}`);
      setConfirming(undefined);
      void refresh();
    },
    onError: (err) => {
      setConfirming(undefined);
      fail('Delete failed')(err);
    },
  });
  const cancel = useMutation({ mutationFn: (id: string) => cancelReplay(id), onSuccess: () => void refresh(), onError: fail('Cancel failed') });

  const rowActions = { replay: (id: string) => replay.mutate({ ids: [id] }), remove: (id: string) => setConfirming({ kind: 'delete', id }) };
  const jobs = deadLetters.data?.jobs ?? [];
  const replayColumns: Column<Replay>[] = [
    { id: 'created', header: 'Started (UTC)', cell: ({ row }) => formatTime(row.original.created_at) },
    { id: 'operator', header: 'Operator', cell: ({ row }) => row.original.operator },
    { id: 'queue', header: 'Queue', cell: ({ row }) => <code className="wrap">{orDash(row.original.queue)}</code> },
    { id: 'status', header: 'Status', cell: ({ row }) => row.original.status },
    { id: 'matched', header: 'Matched', cell: ({ row }) => orDash(row.original.matched) },
    { id: 'replayed', header: 'Replayed', cell: ({ row }) => row.original.replayed },
    { id: 'filter', header: 'Filter', cell: ({ row }) => <code className="wrap">{JSON.stringify(row.original.filter)}</code> },
    {
      id: 'actions',
      header: () => <span className="visually-hidden">Actions</span>,
      cell: ({ row }) =>
        row.original.status === 'running' ? (
          <button type="button" onClick={() => cancel.mutate(row.original.id)} aria-label={`Cancel replay ${row.original.id}`}>
            Cancel
          </button>
        ) : null,
    },
  ];

  return (
    <>
      <h1>Dead letters</h1>
      <QueueSwitch
        queue={queue}
        onChange={(q) => {
          setMessage('');
          setParams(withQueue(new URLSearchParams(), q));
        }}
      />
      <p className="status-line" role="status">
        {message || progress}
      </p>
      <section>
        <h2 id="filter-heading">Replay or purge by filter</h2>
        <FilterForm
          key={queue}
          spec={form.spec}
          fields={form.fields}
          filter={formFilter}
          onApply={(values) => setParams(withQueue(searchFromFilter(form.spec, filterFromForm(form.spec, values))))}
        />
        <div className="actions">
          <label>
            Rate per second
            <input inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value.replace(/\D/g, ''))} placeholder="default" />
          </label>
          <button type="button" onClick={() => estimate.mutate()} disabled={estimate.isPending}>
            Estimate
          </button>
          <button type="button" className="primary" onClick={() => replay.mutate(filter)} disabled={replay.isPending}>
            Replay matching
          </button>
          <button type="button" className="danger" onClick={() => purgeAsk.mutate()} disabled={purgeAsk.isPending}>
            Purge matching…
          </button>
        </div>
        <p className="muted">The filter applies once you press Apply; with no filter, Replay and Purge take every dead letter.</p>
      </section>

      <section>
        <h2 id="dlq-heading">Dead-lettered jobs {deadLetters.data ? `(${deadLetters.data.total})` : ''}</h2>
        {deadLetters.isPending ? (
          <Loading what="dead letters" />
        ) : deadLetters.isError ? (
          <ErrorNotice error={deadLetters.error} retry={() => void deadLetters.refetch()} />
        ) : jobs.length === 0 ? (
          <Empty>{form.empty}</Empty>
        ) : queue === 'deliveries' ? (
          <DataTable label="Dead-lettered deliveries" columns={deliveryColumns(rowActions)} rows={jobs.filter(isDeliveryDeadLetter)} rowKey={(j) => j.id} />
        ) : (
          <DataTable
            label="Dead-lettered jobs"
            columns={postbackColumns(rowActions)}
            rows={jobs.filter(isPostbackDeadLetter)}
            rowKey={(j) => `${j.shard}/${j.id}`}
          />
        )}
      </section>

      <section>
        <h2 id="replays-heading">Replays</h2>
        {replays.isPending ? (
          <Loading what="replays" />
        ) : replays.isError ? (
          <ErrorNotice error={replays.error} retry={() => void replays.refetch()} />
        ) : replays.data.replays.length === 0 ? (
          <Empty>No replays yet.</Empty>
        ) : (
          <DataTable label="Replays" columns={replayColumns} rows={replays.data.replays} rowKey={(r) => r.id} />
        )}
      </section>

      <ConfirmDialog
        open={confirming !== undefined}
        title={confirming?.kind === 'purge' ? 'Purge dead letters?' : `Delete dead letter ${confirming?.kind === 'delete' ? confirming.id : ''}?`}
        confirmLabel={confirming?.kind === 'purge' ? `Drop ${confirming.count}` : 'Delete'}
        danger
        busy={purge.isPending || remove.isPending}
        onConfirm={() => {
          if (confirming?.kind === 'purge') purge.mutate();
          else if (confirming?.kind === 'delete') remove.mutate(confirming.id);
        }}
        onCancel={() => setConfirming(undefined)}
      >
        <p>
          {confirming?.kind === 'purge'
            ? `Drop ${confirming.count} dead-lettered jobs for good? They cannot be replayed afterwards.`
            : 'Drop this dead-lettered job for good? It cannot be replayed afterwards.'}
        </p>
      </ConfirmDialog>
    </>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Outlet, useOutletContext, useParams } from 'react-router';
import { getAdvertiser, listOffers } from '../api/routes';
import type { Offer } from '../api/types';
import { DataTable, type Column } from '../components/DataTable';
import { Empty, ErrorNotice, Loading } from '../components/QueryState';
import { RejectionTab } from '../components/RejectionTab';
import { Tabs } from '../components/Tabs';
import { formatTime } from '../format/format';
import { Link } from 'react-router';
import { entityId } from './entityId';
import { NotFoundPage } from './NotFoundPage';

export function AdvertiserPage() {
  const id = entityId(useParams().advertiserId);
  const advertiser = useQuery({ queryKey: ['advertiser', id], queryFn: () => getAdvertiser(id!), enabled: id !== undefined });
  if (id === undefined) return <NotFoundPage />;
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/advertisers">Advertisers</Link> /
      </p>
      <h1>{advertiser.data ? `${advertiser.data.name} (advertiser ${id})` : `Advertiser ${id}`}</h1>
      {advertiser.isError ? <ErrorNotice error={advertiser.error} retry={() => void advertiser.refetch()} /> : null}
      <Tabs
        label="Advertiser"
        tabs={[
          { to: `/advertisers/${id}`, label: 'Offers', end: true },
          { to: `/advertisers/${id}/rejection`, label: 'Tracking Links & Postbacks → Rejection' },
        ]}
      />
      <Outlet context={id} />
    </>
  );
}

const offerColumns: Column<Offer>[] = [
  { id: 'id', header: 'Id', cell: ({ row }) => row.original.id },
  { id: 'name', header: 'Name', cell: ({ row }) => <Link to={`/offers/${row.original.id}/rejection`}>{row.original.name}</Link> },
  { id: 'created', header: 'Created (UTC)', cell: ({ row }) => formatTime(row.original.created_at) },
];

export function AdvertiserOffersTab() {
  const advertiserId = useOutletContext<number>();
  const offers = useQuery({ queryKey: ['offers', { advertiser_id: advertiserId }], queryFn: () => listOffers({ advertiser_id: advertiserId, limit: 1000 }) });
  if (offers.isPending) return <Loading what="offers" />;
  if (offers.isError) return <ErrorNotice error={offers.error} retry={() => void offers.refetch()} />;
  if (offers.data.offers.length === 0) return <Empty>No offers yet — create one on the <Link to={`/offers?advertiser_id=${advertiserId}`}>Offers</Link> page.</Empty>;
  return <DataTable label="Offers of this advertiser" columns={offerColumns} rows={offers.data.offers} rowKey={(o) => String(o.id)} />;
}

export function AdvertiserRejectionTab() {
  const advertiserId = useOutletContext<number>();
  return <RejectionTab scope={{ kind: 'global', advertiserId }} />;
}

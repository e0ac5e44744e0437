import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useOutletContext, useParams } from 'react-router';
import { getOffer } from '../api/routes';
import { ErrorNotice } from '../components/QueryState';
import { RejectionTab } from '../components/RejectionTab';
import { Tabs } from '../components/Tabs';
import { entityId } from './entityId';
import { NotFoundPage } from './NotFoundPage';

export function OfferPage() {
  const id = entityId(useParams().offerId);
  const offer = useQuery({ queryKey: ['offer', id], queryFn: () => getOffer(id!), enabled: id !== undefined });
  if (id === undefined) return <NotFoundPage />;
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/offers">Offers</Link> /{' '}
        {offer.data ? <Link to={`/advertisers/${offer.data.advertiser_id}`}>Advertiser {offer.data.advertiser_id}</Link> : null}
      </p>
      <h1>{offer.data ? `${offer.data.name} (offer ${id})` : `Offer ${id}`}</h1>
      {offer.isError ? <ErrorNotice error={offer.error} retry={() => void offer.refetch()} /> : null}
      <Tabs label="Offer" tabs={[{ to: `/offers/${id}/rejection`, label: 'Conversion Tracking → Rejection' }]} />
      <Outlet context={id} />
    </>
  );
}

export function OfferRejectionTab() {
  const offerId = useOutletContext<number>();
  return <RejectionTab scope={{ kind: 'offer', offerId }} />;
}

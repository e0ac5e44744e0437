import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { getPublisher } from '../api/affiliateRoutes';
import type { CreatedAffiliatePostback } from '../api/affiliateTypes';
import { AffiliatePostbackForm } from '../components/AffiliatePostbackForm';
import { AffiliatePostbacksTable } from '../components/AffiliatePostbacksTable';
import { ErrorNotice, Loading } from '../components/QueryState';
import { ShownOnceSecret } from '../components/ShownOnceSecret';
import { entityId } from './entityId';
import { NotFoundPage } from './NotFoundPage';

/** A publisher and the affiliate postbacks that tell them when one of their conversions is rejected. */
export function PublisherPage() {
  const id = entityId(useParams().publisherId);
  const publisher = useQuery({ queryKey: ['publisher', id], queryFn: () => getPublisher(id!), enabled: id !== undefined });
  const [made, setMade] = useState<CreatedAffiliatePostback | undefined>();
  if (id === undefined) return <NotFoundPage />;
  return (
    <div className="stack">
      <p className="breadcrumbs">
        <Link to="/publishers">Publishers</Link> /
      </p>
      <h1>{publisher.data ? `${publisher.data.name} (publisher ${id})` : `Publisher ${id}`}</h1>
      {publisher.isPending ? <Loading what="the publisher" /> : null}
      {publisher.isError ? <ErrorNotice error={publisher.error} retry={() => void publisher.refetch()} /> : null}
      {/* Only for a publisher the API knows: a create for another would be refused (404) after the form was filled. */}
      {publisher.data ? (
        <>
          <section>
            <h2 id="new-postback-heading">New affiliate postback</h2>
            <p className="muted">
              Called when one of this publisher's conversions is rejected (or its reason changes), after the delay, with the conversion as it is
              then. A paused postback fires nothing: what falls due meanwhile is skipped, not sent later.
            </p>
            <AffiliatePostbackForm publisherId={id} onCreated={setMade} />
            {made ? (
              <p role="status" className="status-line">
                Affiliate postback {made.id} created.
              </p>
            ) : null}
            {/* Keyed: a second secret starts with no "Copied" from the first. */}
            {made?.secret ? <ShownOnceSecret key={made.id} postbackId={made.id} secret={made.secret} /> : null}
          </section>

          <section>
            <h2 id="postbacks-heading">Affiliate postbacks</h2>
            <AffiliatePostbacksTable publisherId={id} />
          </section>
        </>
      ) : null}
    </div>
  );
}

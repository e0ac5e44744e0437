import { lazy, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './Layout';
import { AdvertiserOffersTab, AdvertiserPage, AdvertiserRejectionTab } from './pages/AdvertiserPage';
import { AdvertisersPage } from './pages/AdvertisersPage';
import { AlertRulesPage } from './pages/AlertRulesPage';
import { ConversionPage } from './pages/ConversionPage';
import { DeadLettersPage } from './pages/DeadLettersPage';
import { DeliveriesPage } from './pages/DeliveriesPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OfferPage, OfferRejectionTab } from './pages/OfferPage';
import { OffersPage } from './pages/OffersPage';
import { PublisherPage } from './pages/PublisherPage';
import { PublishersPage } from './pages/PublishersPage';
import { RefusalsPage } from './pages/RefusalsPage';
import { RejectionLogPage } from './pages/RejectionLogPage';
import { Loading } from './components/QueryState';

// The chart library is most of the bundle: loaded when the reports are first opened (a file of its own, so the CSP holds).
const ReportsPage = lazy(() => import('./pages/ReportsPage').then((m) => ({ default: m.ReportsPage })));

/** Where the admin app serves the console (apps/admin/src/dashboard/consoleRoutes.ts). */
export const CONSOLE_BASE = '/admin/console';

export const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <Navigate to="/advertisers" replace /> },
        { path: 'advertisers', element: <AdvertisersPage /> },
        {
          path: 'advertisers/:advertiserId',
          element: <AdvertiserPage />,
          children: [
            { index: true, element: <AdvertiserOffersTab /> },
            { path: 'rejection', element: <AdvertiserRejectionTab /> },
          ],
        },
        { path: 'offers', element: <OffersPage /> },
        {
          path: 'offers/:offerId',
          element: <OfferPage />,
          children: [
            { index: true, element: <Navigate to="rejection" replace /> },
            { path: 'rejection', element: <OfferRejectionTab /> },
          ],
        },
        { path: 'publishers', element: <PublishersPage /> },
        { path: 'publishers/:publisherId', element: <PublisherPage /> },
        { path: 'log', element: <RejectionLogPage /> },
        { path: 'deliveries', element: <DeliveriesPage /> },
        { path: 'alert-rules', element: <AlertRulesPage /> },
        { path: 'conversions/:transactionId', element: <ConversionPage /> },
        { path: 'refusals', element: <RefusalsPage /> },
        {
          path: 'reports',
          element: (
            <Suspense fallback={<Loading what="the reports" />}>
              <ReportsPage />
            </Suspense>
          ),
        },
        { path: 'dead-letters', element: <DeadLettersPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ],
  { basename: CONSOLE_BASE },
);

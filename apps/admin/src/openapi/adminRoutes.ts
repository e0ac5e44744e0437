import { affiliateRoutes } from './affiliateRoutes.js';
import { bulkRejectionRoutes } from './bulkRejectionRoutes.js';
import { catalogRoutes } from './catalogRoutes.js';
import { deadLetterRoutes } from './deadLetterRoutes.js';
import { operationsRoutes } from './operationsRoutes.js';
import { postbackRoutes } from './postbackRoutes.js';
import { reportRoutes } from './reportRoutes.js';
import type { RouteDoc } from './routeDoc.js';

/**
 * Every JSON route of the admin API, one entry each, grouped as they are registered. A route added to the app
 * needs its entry in the group's file (test/openapi.test.ts fails until it has one), then `npm run openapi`.
 */
export const adminRoutes: readonly RouteDoc[] = [...catalogRoutes, ...postbackRoutes, ...reportRoutes, ...deadLetterRoutes, ...bulkRejectionRoutes, ...affiliateRoutes, ...operationsRoutes];

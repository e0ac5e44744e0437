import { createDocument, type oas31, type ZodOpenApiPathsObject } from 'zod-openapi';
import { SESSION_COOKIE } from '../dashboard/adminSession.js';
import { adminRoutes } from './adminRoutes.js';
import { openApiPath, operationOf, type RouteDoc } from './routeDoc.js';

export const ADMIN_API_VERSION = '1.0.0';

/** The admin API's OpenAPI 3.1 document, made from the route entries and the zod schemas they name. */
export function createAdminOpenApi(routes: readonly RouteDoc[] = adminRoutes): oas31.OpenAPIObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = (paths[openApiPath(route.path)] ??= {});
    if (path[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is documented twice`);
    path[route.method] = operationOf(route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Postback Pipeline admin API',
      version: ADMIN_API_VERSION,
      description:
        'The operators\' API (ADMIN_PORT): advertisers, offers, rejection URLs, the postback log, dead letters, bulk uploads. ' +
        'Every route needs the admin token as a bearer token, or the session cookie the login page sets.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /admin/login (path /admin)' },
      },
    },
    paths,
  });
}

import { readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import type express from 'express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createAdminApp } from '../apps/admin/src/app.js';
import { createAdminOpenApi } from '../apps/admin/src/openapi/adminOpenApi.js';
import { adminRoutes } from '../apps/admin/src/openapi/adminRoutes.js';
import { CONSOLE_TYPES_PATH, consoleTypesText, OPENAPI_JSON_PATH, openApiJsonText } from '../apps/admin/src/openapi/openApiFiles.js';
import { errorSchema, openApiPath } from '../apps/admin/src/openapi/routeDoc.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { silent } from './helpers/pipeline.js';

const TOKEN = 'openapi-admin-token';
const fixture = useAdminApi('openapi', TOKEN);

/**
 * Routes under /admin that are not JSON API and so not in the document, each with why. Anything else registered
 * under /admin must have its entry in apps/admin/src/openapi/.
 */
const NOT_DOCUMENTED: Readonly<Record<string, string>> = {
  // The login form for browsers (HTML, form-encoded), and the logout link that redirects to it.
  'GET /admin/login': 'HTML login page',
  'POST /admin/login': 'HTML form post (urlencoded), answers with a redirect and a cookie',
  'ALL /admin/logout': 'browser logout link, answers with a redirect',
  // The old dead-letter page's address, kept for bookmarks.
  'GET /admin/dlq/console': 'redirect to the console\'s dead-letter page',
  // The console (apps/console): a client of the documented routes, not part of the API.
  'GET /admin/console{/*path}': "the console's index.html, for every page under it (static file)",
};

/** Routers and apps mounted under /admin whose routes are their own (walked no further), each with why. */
const MOUNTS_NOT_DOCUMENTED: Readonly<Record<string, string>> = {
  '/admin/queues': "bull-board's dashboard: its HTML pages and the API only its own page calls",
  '/admin/console': "the console's Content-Security-Policy header, on its static files",
  '/admin/console/assets': "the console's built scripts and styles (static files)",
};

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: unknown;
}

/** Every route the app registers ("GET /admin/x/:id"), and the paths its other middleware is mounted at. */
function registeredRoutes(app: express.Express): { routes: string[]; mounts: string[] } {
  // Express 5 keeps its router at app.router (no longer app._router), one layer per app.METHOD / app.use call.
  const stack = (app.router as unknown as { stack: Layer[] }).stack;
  const routes: string[] = [];
  const mounts: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods);
      // app.all() sets every method Node knows on its route.
      const all = METHODS.every((m) => methods.includes(m.toLowerCase()));
      for (const method of all ? ['ALL'] : methods.map((m) => m.toUpperCase())) routes.push(`${method} ${layer.route.path}`);
    } else if (typeof layer.rawPath === 'string') {
      mounts.push(layer.rawPath);
    }
  }
  return { routes, mounts };
}

function adminAppForTheWalk(): express.Express {
  return createAdminApp({ ...fixture.admin, adminToken: TOKEN, logger: silent() });
}

const documented = new Set(adminRoutes.map((r) => `${r.method.toUpperCase()} ${r.path}`));

describe('the OpenAPI document of the admin API', () => {
  it('documents every route registered under /admin, but the HTML pages listed as not documented', () => {
    const { routes } = registeredRoutes(adminAppForTheWalk());
    const undocumented = routes.filter((r) => r.split(' ')[1]!.startsWith('/admin/') && !documented.has(r) && !(r in NOT_DOCUMENTED));
    const advice = undocumented.map(
      (r) =>
        `${r} is registered but not documented (OpenAPI path ${openApiPath(r.split(' ')[1]!)}): add one entry for it (method, path as in app.ts, summary, ` +
        'its zod schemas, responses) to the route group\'s file in apps/admin/src/openapi/ (listed in adminRoutes.ts), then ' +
        'run `npm run openapi`. An HTML page or static file instead goes in NOT_DOCUMENTED in test/openapi.test.ts, with why.',
    );
    expect(advice).toEqual([]);
    // The walk found the routes: were it to find none (Express changed where it keeps them), this test would pass on nothing.
    expect(routes).toContain('GET /admin/advertisers');
    expect(routes).toContain('ALL /admin/logout');
  });

  it('documents no route the app does not have, and excludes none it does not have', () => {
    const { routes } = registeredRoutes(adminAppForTheWalk());
    expect([...documented].filter((r) => !routes.includes(r)).map((r) => `${r} is documented but not registered`)).toEqual([]);
    expect(Object.keys(NOT_DOCUMENTED).filter((r) => !routes.includes(r)).map((r) => `${r} is excluded but not registered`)).toEqual([]);
  });

  it('knows every router mounted under /admin', () => {
    const { mounts } = registeredRoutes(adminAppForTheWalk());
    const unknown = mounts.filter((m) => m.startsWith('/admin/') && !(m in MOUNTS_NOT_DOCUMENTED));
    expect(unknown.map((m) => `middleware or a router mounted at ${m}: document its routes, or list it in MOUNTS_NOT_DOCUMENTED`)).toEqual([]);
    expect(mounts).toContain('/admin/queues');
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(openApiJsonText()) as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it(`is committed as ${OPENAPI_JSON_PATH} as the code makes it (npm run openapi)`, () => {
    expect(readFileSync(OPENAPI_JSON_PATH, 'utf8')).toBe(openApiJsonText());
  });

  it(`gives the console its types, committed as ${CONSOLE_TYPES_PATH} as the code makes them (npm run openapi)`, async () => {
    const committed = readFileSync(CONSOLE_TYPES_PATH, 'utf8');
    expect(committed).toBe(await consoleTypesText());
    expect(committed).toContain('"/admin/rejection-endpoints/{id}": {');
  });

  it('is served at GET /admin/openapi.json, behind the admin token', async () => {
    const res = await fetch(`${fixture.api}/admin/openapi.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(openApiJsonText()));
    expect((await fetch(`${fixture.api}/admin/openapi.json`)).status).toBe(401);
  });
});

/** The zod schema the document gives for this route's answer with this status. */
function documentedAnswer(method: string, path: string, status: 200 | 201) {
  const route = adminRoutes.find((r) => r.method === method && r.path === path);
  const schema = route?.responses[status]?.schema;
  if (!schema) throw new Error(`no ${status} answer documented for ${method} ${path}`);
  return schema;
}

describe('the answers of the admin API', () => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fixture.api}${path}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** Calls the route and checks its answer against the documented schema (strict: no undocumented field either). */
  const answerOf = async (method: string, route: `/admin/${string}`, status: 200 | 201, path: string = route, body?: unknown) => {
    const res = await call(method, path, body);
    expect(res, `${method} ${path}`).toMatchObject({ status });
    const parsed = documentedAnswer(method, route, status).safeParse(res.body);
    expect(parsed.error?.issues ?? [], `${method} ${path}: ${JSON.stringify(res.body)}`).toEqual([]);
    return res.body;
  };

  it('are what the document says, for the catalog, the log and the queues', async () => {
    const advertiser = await answerOf('post', '/admin/advertisers', 201, undefined, { name: 'Documented advertiser' });
    await answerOf('get', '/admin/advertisers', 200);
    await answerOf('get', '/admin/advertisers/:id', 200, `/admin/advertisers/${String(advertiser.id)}`);
    const offer = await answerOf('post', '/admin/offers', 201, undefined, { advertiser_id: advertiser.id, name: 'Documented offer' });
    await answerOf('get', '/admin/offers', 200, `/admin/offers?advertiser_id=${String(advertiser.id)}`);
    await answerOf('get', '/admin/offers/:id', 200, `/admin/offers/${String(offer.id)}`);
    const rotated = await answerOf('post', '/admin/rejection-endpoints', 201, undefined, { offer_id: offer.id });
    const endpoint = await answerOf('post', '/admin/rejection-endpoints/:id/rotate', 201, `/admin/rejection-endpoints/${String(rotated.id)}/rotate`, {
      grace_seconds: 60,
    });
    await answerOf('get', '/admin/rejection-endpoints', 200);
    await answerOf('delete', '/admin/rejection-endpoints/:id', 200, `/admin/rejection-endpoints/${String(endpoint.id)}`);
    await answerOf('post', '/admin/conversions', 201, undefined, {
      conversions: [{ transaction_id: 'documented-tx', offer_id: offer.id, status: 'approved', payout: 1.5 }],
    });
    await answerOf('get', '/admin/conversions/:transactionId', 200, '/admin/conversions/documented-tx');
    await answerOf('get', '/admin/postbacks', 200);
    await answerOf('get', '/admin/refusals', 200);
    await answerOf('get', '/admin/reports/rejections', 200, '/admin/reports/rejections?group_by=offer&bucket=hour');
    await answerOf('get', '/admin/dlq', 200);
    await answerOf('get', '/admin/dlq/replays', 200);
    await answerOf('get', '/admin/rejections/bulk', 200);
    await answerOf('get', '/admin/shard-layouts', 200);
    await answerOf('get', '/admin/audit', 200);
  });

  it('answer bad input with the documented error, naming the field', async () => {
    const res = await call('post', '/admin/offers', { advertiser_id: 'x', name: 'Offer' });
    expect(res.status).toBe(400);
    expect(errorSchema.parse(res.body)).toMatchObject({ field: 'advertiser_id' });
    expect(createAdminOpenApi().paths?.['/admin/offers']?.post?.responses?.['400']).toEqual({ $ref: '#/components/responses/BadInput' });
  });
});

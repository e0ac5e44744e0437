import { Writable } from 'node:stream';
import { appRoutes } from '@bull-board/api/dist/routes.js';
import type express from 'express';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApp } from '../apps/admin/src/app.js';
import { DASHBOARD_PATH } from '../apps/admin/src/dashboard/queueDashboard.js';
import { createDlqReplays, type DlqReplays } from '../apps/admin/src/services/dlqReplays.js';
import { givenDeadLetter } from './helpers/deadLetterFixtures.js';
import { givenConversion, givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, onlyShard, serve, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

// Property-based, like the receiver's hostileInput.test.ts: random bodies, path parameters and query strings at
// every route of the admin app, with the right token so that only the input stands between a request and its
// handler. Every answer must be 2xx, 3xx or 4xx, never 5xx. The routes are read from the app's own router, so a
// route added later is fuzzed without anyone listing it here.

const TOKEN = 'hostile-admin-token-0123456789';
// Runs per route: every route gets its own share, so none goes unexercised, and the file stays within ~30 s on 2 cores.
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 30);
const RUNS_PER_DASHBOARD_ROUTE = Math.ceil(RUNS_PER_ROUTE / 3);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let t: TestEnvironment;
let admin: AdminHandle;
let replays: DlqReplays;
let app: express.Express;
let baseUrl: string;
let stop: () => Promise<void>;
const errorLog: string[] = [];
// Answers by status over the whole run, to check that the fuzz got past validation too.
const statuses = new Map<number, number>();
// Ids of rows and jobs that exist, so that some requests get past "not found" into the code behind it.
const known: { ids: string[]; transactionIds: string[]; jobIds: string[] } = { ids: [], transactionIds: [], jobIds: [] };

beforeAll(async () => {
  t = await createTestEnvironment('admin_hostile_input');
  admin = connectAdminDeps(t.cfg);
  const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, cb) => (errorLog.push(String(chunk)), cb()) }));
  replays = createDlqReplays(admin, logger);
  app = createAdminApp({ ...admin, adminToken: TOKEN, logger, replays });
  const served = await serve(app);
  baseUrl = served.baseUrl;
  stop = () => {
    served.server.closeAllConnections();
    return new Promise<void>((resolve) => served.server.close(() => resolve()));
  };
  const offer = await givenOffer(t.prisma);
  const url = await givenRejectionUrl(admin, { offerId: offer.id });
  const conversion = await givenConversion(t.prisma, { offerId: offer.id });
  known.ids.push(String(offer.advertiserId), String(offer.id), String(url.id));
  known.transactionIds.push(conversion.transactionId);
  known.jobIds.push(await givenDeadLetter(onlyShard(admin).deadLetters), await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' }));
});

afterAll(async () => {
  await stop?.();
  await replays?.close();
  await admin?.close();
  await t?.teardown();
});

interface Route {
  method: string;
  path: string;
}

const FUZZED_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type Layer = { name: string; route?: { path: string; methods: Record<string, boolean> } };

/** The app's routes, from its Express 5 router; an `app.all` route is fuzzed with each of FUZZED_METHODS. */
function routesOf(application: express.Express): { routes: Route[]; mountedApps: number } {
  const stack = (application.router as unknown as { stack: Layer[] }).stack;
  const routes = stack.flatMap((layer) =>
    layer.route
      ? FUZZED_METHODS.filter((m) => layer.route!.methods[m]).map((method) => ({ method: method.toUpperCase(), path: layer.route!.path }))
      : [],
  );
  return { routes, mountedApps: stack.filter((layer) => layer.name === 'mounted_app').length };
}

/** bull-board's routes (its own list), under the path where the admin app mounts it. */
function dashboardRoutes(): Route[] {
  const entry = appRoutes.entryPoint;
  const entryPaths = Array.isArray(entry.route) ? entry.route : [entry.route];
  return [
    ...entryPaths.map((path) => ({ method: 'GET', path: `${DASHBOARD_PATH}${path}` })),
    ...appRoutes.api.flatMap((r) =>
      [r.method].flat().flatMap((method) => [r.route].flat().map((path) => ({ method: method.toUpperCase(), path: `${DASHBOARD_PATH}${path}` }))),
    ),
  ];
}

// ----- hostile values -----

const FIELDS = [
  'name', 'advertiser_id', 'offer_id', 'endpoint_id', 'conversions', 'transaction_id', 'status', 'payout', 'rejected_reason',
  'ids', 'all', 'filter', 'error_kind', 'from', 'to', 'older_than', 'dry_run', 'rate_per_second', 'operator', 'confirm',
  'limit', 'offset', 'since', 'until', 'outcome', 'cursor', 'token', 'next', 'queueName', 'jobId',
];

const oddString = fc.constantFrom(
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'a\udfff', '\ufffd', '\n', '\t', '\u0085', '😀', 'x'.repeat(129), 'x'.repeat(300),
  '0', '-1', '1.5', '1e3', '0x10', '2147483647', '2147483648', '1099511627776', '9'.repeat(30), 'NaN', 'Infinity',
  'null', 'true', '[]', '{}', '__proto__', 'constructor', 'approved', 'rejected', 'unreadable',
  '0000-01-01T00:00:00Z', '-004714-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30', '9999-12-31T23:59:59Z',
  '2026-11-27', '7d', '99999999999999w', '00000000-0000-0000-0000-000000000000', 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
);
const knownId = fc.constantFrom(0, 1, 2).chain((i) => fc.constantFrom(known.ids[i]!, known.transactionIds[0]!, known.jobIds[i % 2]!));
const hostileString = fc.oneof(
  { weight: 4, arbitrary: oddString },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: knownId },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 1.5, 2147483647, 2147483648, 1099511627776, 2 ** 53, 1e20, -1e20, 99_999_999.99995, 1e-300, Number.MAX_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  knownId.map(Number),
);
const { value: hostileValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 3 }),
  ),
}));

// Bodies the admin routes accept, so that a mutation of one field reaches the checks behind the others. Each route
// is fuzzed with the ones it accepts (see fittingTemplates), or with all when it accepts none.
const TEMPLATES = (): Array<Record<string, unknown>> => [
  { name: 'Acme' },
  { advertiser_id: Number(known.ids[0]), name: 'Summer' },
  { advertiser_id: Number(known.ids[0]) },
  { offer_id: Number(known.ids[1]) },
  { conversions: [{ transaction_id: 'fuzz-tx', offer_id: Number(known.ids[1]), status: 'rejected', payout: 1.25, rejected_reason: 'dup' }] },
  { ids: [...known.jobIds] },
  { all: true },
  { filter: { error_kind: ['23514'], from: '2026-01-01T00:00:00Z', older_than: '1s', advertiser_id: 1, offer_id: 1, endpoint_id: 1 }, dry_run: true, rate_per_second: 1000, operator: 'fuzz' },
  { filter: { ids: [...known.jobIds] }, confirm: false },
  { filter: { error_kind: 'no-such-kind' }, confirm: true },
];

/** The template with every field named in `over` replaced, at any depth (so `payout` reaches conversions[0]). */
function override(template: unknown, over: Record<string, unknown>): unknown {
  if (Array.isArray(template)) return template.map((v) => override(v, over));
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template).map(([k, v]) => [k, Object.hasOwn(over, k) ? over[k] : override(v, over)]),
  );
}

/** The field names in a template, at any depth. */
function keysOf(template: unknown): string[] {
  if (Array.isArray(template)) return template.flatMap(keysOf);
  if (template === null || typeof template !== 'object') return [];
  return Object.entries(template).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

// A template with one or two of its own fields given a hostile value: the rest of the body is valid, so the
// hostile value is what the route's checks (or, without them, Postgres) meet.
const mutatedTemplate = (templates: Array<Record<string, unknown>>) =>
  fc.constantFrom(...templates).chain((template) =>
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...keysOf(template)), hostileValue), { maxLength: 2, selector: ([k]) => k })
      .map((over) => JSON.stringify(override(template, Object.fromEntries(over)))),
  );

const jsonBody = (templates: Array<Record<string, unknown>>) => fc.oneof(
  { weight: 5, arbitrary: mutatedTemplate(templates) },
  { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), hostileValue, { maxKeys: 4 }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":', '[1,', '"\\ud800"', '{"name":"\\u0000"}', 'nul', '{"a":1}x', '\u0000') },
);
// Mostly JSON as sent, so that most bodies reach the handlers.
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  { weight: 2, arbitrary: fc.constantFrom('application/json; charset=latin1', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', undefined) },
);
const contentEncoding = fc.oneof(
  { weight: 9, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'x-bogus') },
);

/** Percent-encodes every byte of the UTF-8 (a lone surrogate becomes U+FFFD, as any client would send it). */
const encode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const urlPart = fc.oneof(
  { weight: 4, arbitrary: hostileString.map(encode) },
  { weight: 2, arbitrary: knownId.map(encode) },
  // Escapes that do not decode (Express answers 400 for a path parameter like these).
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%00', 'a%2Fb', '..', '.') },
);
const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 6 }).map(encode)), urlPart, fc.constantFrom('', '', '[]', '[0]')), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v, suffix]) => `${k}${suffix}=${v}`).join('&'));

interface HostileRequest {
  url: string;
  init: RequestInit;
}

// A parameter in an Express 5 path: `:name`, or `*name` (a wildcard); `{…}` marks an optional part, fuzzed as present.
const PARAMETER = /[:*]\w+/g;

function hostileRequest(route: Route, templates: Array<Record<string, unknown>>): fc.Arbitrary<HostileRequest> {
  const params = route.path.match(PARAMETER) ?? [];
  return fc
    .record({
      params: fc.array(urlPart, { minLength: params.length, maxLength: params.length }),
      query: queryString,
      body: jsonBody(templates),
      type: contentType,
      encoding: contentEncoding,
    })
    .map(({ params: values, query, body, type, encoding }) => {
      let i = 0;
      const path = route.path.replace(PARAMETER, () => values[i++]!).replace(/[{}]/g, '');
      const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
      const withBody = route.method !== 'GET';
      if (withBody && type) headers['content-type'] = type;
      if (withBody && encoding) headers['content-encoding'] = encoding;
      return {
        url: `${baseUrl}${path}${query ? `?${query}` : ''}`,
        init: { method: route.method, headers, body: withBody ? body : undefined, redirect: 'manual' as const },
      };
    });
}

interface Answer {
  status: number;
  body: string;
  type: string | null;
}

async function send({ url, init }: HostileRequest): Promise<Answer> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

/** The templates a route without path parameters answers with a 2xx or 3xx as they are; all when there are none. */
async function fittingTemplates(route: Route): Promise<Array<Record<string, unknown>>> {
  const all = TEMPLATES();
  if (route.method === 'GET' || route.path.match(PARAMETER)) return all;
  const fitting: Array<Record<string, unknown>> = [];
  for (const template of all) {
    const answer = await send({
      url: `${baseUrl}${route.path}`,
      init: { method: route.method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(template), redirect: 'manual' },
    });
    if (answer.status < 400) fitting.push(template);
  }
  return fitting.length > 0 ? fitting : all;
}

// The app's own catch-all answer for a path no route took.
const isCatchAll = (a: Answer) => a.status === 404 && a.body === '{"error":"not found"}';

/** Fuzzes one route; `ours` when its 4xx answers are the admin's own `{error}` (bull-board has a format of its own). */
async function fuzz(route: Route, routeIndex: number, numRuns: number, ours = true): Promise<{ reached: number }> {
  let reached = 0;
  const templates = await fittingTemplates(route);
  await fc.assert(
    fc.asyncProperty(hostileRequest(route, templates), async (request) => {
      const answer = await send(request);
      if (!isCatchAll(answer)) reached += 1;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.status, `${route.method} ${request.url}\n${answer.body}\n${errorLog.at(-1) ?? ''}`).toBeLessThan(500);
      expect(answer.status).toBeGreaterThanOrEqual(200);
      if (ours && answer.status >= 400 && answer.type?.startsWith('application/json')) {
        expect(typeof (JSON.parse(answer.body) as { error?: unknown }).error).toBe('string');
      }
    }),
    // A seed per route: with one seed, every route would get the same sequence of bodies.
    { numRuns, seed: SEED + routeIndex, endOnFailure: true },
  );
  return { reached };
}

describe('admin API: hostile input', () => {
  it('reads every route from the app, the ones this file knows among them, and one mounted dashboard', () => {
    const { routes, mountedApps } = routesOf(app);
    const names = routes.map((r) => `${r.method} ${r.path}`);
    // A guard on the enumeration itself: if Express stopped exposing its routes this way, nothing would be fuzzed.
    expect(names).toEqual(expect.arrayContaining([
      'POST /admin/advertisers', 'POST /admin/offers', 'POST /admin/rejection-endpoints', 'DELETE /admin/rejection-endpoints/:id',
      'POST /admin/conversions', 'GET /admin/conversions/:transactionId', 'GET /admin/postbacks', 'GET /admin/postbacks/:id',
      'GET /admin/dlq', 'POST /admin/dlq/replay', 'DELETE /admin/dlq/:id', 'POST /admin/dlq/replays', 'GET /admin/dlq/replays',
      'GET /admin/dlq/replays/:id', 'POST /admin/dlq/replays/:id/cancel', 'POST /admin/dlq/purge', 'POST /admin/login',
      'GET /admin/shard-layouts', 'DELETE /admin/shard-layouts/:shards',
    ]));
    // bull-board is an app of its own, whose routes the parent router cannot list: dashboardRoutes() takes them
    // from bull-board. Another mounted app would need the same.
    expect(mountedApps).toBe(1);
  });

  it(`answers random bodies, path parameters and query strings at every route with 2xx-4xx, never 5xx (seed ${SEED})`, async () => {
    const unreached: string[] = [];
    for (const [i, route] of routesOf(app).routes.entries()) {
      const { reached } = await fuzz(route, i, RUNS_PER_ROUTE);
      if (reached === 0) unreached.push(`${route.method} ${route.path}`);
    }
    // Each route answered some requests itself (not the catch-all 404): its path parameters were filled in right.
    expect(unreached).toEqual([]);
    // The fuzz got past the checks too, not only into them.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 201, 202, 400, 404, 415]));
  }, 240_000);

  it(`answers the same at every route of the queue dashboard (seed ${SEED})`, async () => {
    for (const [i, route] of dashboardRoutes().entries()) await fuzz(route, i, RUNS_PER_DASHBOARD_ROUTE, false);
  }, 240_000);
});

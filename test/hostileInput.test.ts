import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, onlyShard, sendPostback, startReceiver, type AdminHandle, type RunningReceiver } from './helpers/pipeline.js';
import { sendRaw, type RawAnswer } from './helpers/rawHttp.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

// Property-based: thousands of malformed requests, over raw TCP so that bytes no HTTP client would send get through.
// Every one must be refused with a 4xx (JSON {error}, or Node's own bare 4xx for broken HTTP), and none may reach
// the queue. Most carry a VALID key, so that only the malformed part stands between them and a 202.

let t: TestEnvironment;
let admin: AdminHandle;
let rx: RunningReceiver;
let port: number;
let validKey: string;

beforeAll(async () => {
  t = await createTestEnvironment('hostile_input', { RATE_LIMIT_PER_KEY: '100000' });
  admin = connectAdminDeps(t.cfg);
  const offer = await givenOffer(t.prisma);
  validKey = (await givenRejectionUrl(admin, { offerId: offer.id })).key;
  rx = await startReceiver(t.cfg);
  port = Number(new URL(rx.baseUrl).port);
});

afterAll(async () => {
  await rx?.stop();
  await admin?.close();
  await t?.teardown();
});

type Field = 'key' | 'transaction_id' | 'new_rejected_reason';
type Pairs = Array<[string, string]>;
const FIELDS: Field[] = ['key', 'transaction_id', 'new_rejected_reason'];
const LIMITS: Record<Field, number> = { key: 256, transaction_id: 128, new_rejected_reason: 255 };

const plainValue = fc.stringMatching(/^[A-Za-z0-9_.-]{1,24}$/);
const field = fc.constantFrom<Field>(...FIELDS);
const hex2 = (n: number) => `%${n.toString(16).toUpperCase().padStart(2, '0')}`;

// Escapes that never decode to an acceptable value: control characters (C0, DEL, C1), invalid or overlong UTF-8,
// surrogates, U+FFFD itself, and broken percent-escapes.
const badEscape = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map(hex2),
  fc.constant('%7F'),
  fc.integer({ min: 0x80, max: 0x9f }).map((n) => `%C2${hex2(n)}`),
  fc.constantFrom('%FF', '%FE', '%80', '%BF', '%C3%28', '%E2%82', '%C0%AF', '%E0%80%AF', '%ED%A0%80', '%F4%90%80%80', '%F8%88%80%80%80', '%EF%BF%BD'),
  // Each broken escape ends in a character that is no hex digit, so the value it lands in cannot complete it.
  fc.constantFrom('%~', '%G1', '%4~', '%%~', '%zz', '%-1', '%u0041', '%2_'),
);
// Bytes that must not appear raw in a request target (URLs are ASCII; these are percent-encoded by any client).
const rawByte = fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f));

interface Case {
  name: string;
  /** Query pairs (already percent-encoded) and the raw extra bytes spliced into the target, if any. */
  build: (key: string | undefined) => { method: string; target: Buffer; headers: string[]; body?: Buffer };
}

const basePairs = (key: string | undefined, tx: string, reason: string): Pairs => [
  ...(key === undefined ? [] : [['key', key] as [string, string]]),
  ['transaction_id', tx],
  ['new_rejected_reason', reason],
];
const encodePairs = (pairs: Pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&');
const withField = (pairs: Pairs, f: Field, value: string): Pairs => pairs.map(([k, v]) => [k, k === f ? value : v]);
const get = (query: string): Pick<ReturnType<Case['build']>, 'method' | 'target' | 'headers'> => ({
  method: 'GET',
  target: Buffer.from(`/v1/rejections?${query}`, 'latin1'),
  headers: [],
});

// Query-string corruptions of a request that would otherwise be valid.
const queryCorruption: fc.Arbitrary<(pairs: Pairs) => Pairs | Buffer> = fc.oneof(
  // A bad escape spliced into a field's value.
  fc.tuple(field, badEscape, fc.nat(30)).map(([f, esc, at]) => (pairs: Pairs): Pairs => {
    const v = pairs.find(([k]) => k === f)?.[1] ?? 'x';
    const i = Math.min(at, v.length);
    return withField(pairs.some(([k]) => k === f) ? pairs : [...pairs, [f, v]], f, v.slice(0, i) + esc + v.slice(i));
  }),
  // A field given twice, or with array / object syntax.
  fc.tuple(field, plainValue, fc.constantFrom('', '[]', '[0]', '[a]', '[]=&x', '[__proto__]')).map(([f, v, suffix]) => (pairs: Pairs): Pairs =>
    suffix === '' ? [...pairs, [f, v]] : [...pairs, [`${f}${suffix}`, v]],
  ),
  // Over the length limit (by a little or by a lot; the largest overflow Node's 16 kB header limit).
  fc.tuple(fc.constantFrom<Field>('transaction_id', 'new_rejected_reason', 'key'), fc.integer({ min: 1, max: 20_000 })).map(
    ([f, extra]) => (pairs: Pairs): Pairs => withField(pairs, f, 'a'.repeat(LIMITS[f] + extra)),
  ),
  // A field repeated after more than 1,000 unknown parameters (a parser that stops at 1,000 would miss it).
  fc.tuple(field, plainValue, fc.integer({ min: 1000, max: 1500 })).map(([f, v, n]) => (pairs: Pairs): Pairs => [
    ...pairs,
    ...Array.from({ length: n }, (_, i): [string, string] => [`u${i}`, '1']),
    [f, v],
  ]),
  // The rejection URL's placeholders left in place.
  fc.tuple(fc.constantFrom<Field>('transaction_id', 'new_rejected_reason'), fc.constantFrom('REPLACE', 'REPLACE_WITH_REJECTION_REASON')).map(
    ([f, v]) => (pairs: Pairs): Pairs => withField(pairs, f, v),
  ),
  // Empty or blank, or missing altogether.
  fc.tuple(fc.constantFrom<Field>('transaction_id', 'new_rejected_reason'), fc.constantFrom('', '+', '%20', '%20%20+', '%09', 'DELETE')).map(
    ([f, v]) => (pairs: Pairs): Pairs => (v === 'DELETE' ? pairs.filter(([k]) => k !== f) : withField(pairs, f, v)),
  ),
  // A raw byte in the request target.
  fc.tuple(rawByte, fc.nat(60)).map(([byte, at]) => (pairs: Pairs): Buffer => {
    const q = Buffer.from(encodePairs(pairs), 'latin1');
    const i = Math.min(at, q.length);
    return Buffer.concat([q.subarray(0, i), Buffer.from([byte]), q.subarray(i)]);
  }),
);

const queryCase: fc.Arbitrary<Case> = fc.tuple(plainValue, plainValue, queryCorruption, fc.constantFrom('GET', 'POST')).map(([tx, reason, corrupt, method]) => ({
  name: `query (${method})`,
  build: (key) => {
    const out = corrupt(basePairs(key, tx, reason));
    const query = Buffer.isBuffer(out) ? out : Buffer.from(encodePairs(out), 'latin1');
    return { method, target: Buffer.concat([Buffer.from('/v1/rejections?'), query]), headers: [] };
  },
}));

// A form body carrying the corrupted fields.
const formCase: fc.Arbitrary<Case> = fc.tuple(plainValue, plainValue, queryCorruption).map(([tx, reason, corrupt]) => ({
  name: 'form body',
  build: (key) => {
    const out = corrupt(basePairs(key, tx, reason));
    const body = Buffer.isBuffer(out) ? out : Buffer.from(encodePairs(out), 'latin1');
    return { method: 'POST', target: Buffer.from('/v1/rejections'), headers: ['Content-Type: application/x-www-form-urlencoded'], body };
  },
}));

// JSON bodies that parse but are not a postback, or do not parse.
type JsonBuilder = (key: string | undefined, tx: string, reason: string) => Buffer;
const jsonBody: fc.Arbitrary<JsonBuilder> = fc.oneof(
  fc.tuple(field, fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(plainValue, { minLength: 1, maxLength: 3 }), fc.dictionary(plainValue, plainValue, { minKeys: 0, maxKeys: 2 }))).map(
    ([f, value]) => (key: string | undefined, tx: string, reason: string) => Buffer.from(JSON.stringify({ key, transaction_id: tx, new_rejected_reason: reason, [f]: value })),
  ),
  fc.tuple(field, fc.constantFrom('\\u0000', '\\u001f', '\\u007f', '\\u0085', '\\ud800', '\\udfff', '\\ud83d', '\\ufffd', '\\n')).map(
    ([f, escape]) => (key: string | undefined, tx: string, reason: string) =>
      Buffer.from(JSON.stringify({ key, transaction_id: tx, new_rejected_reason: reason, [f]: 'x' }).replace(`"${f}":"x`, `"${f}":"x${escape}`)),
  ),
  fc.tuple(field, fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf])).map(([f, bytes]) => (key: string | undefined, tx: string, reason: string) => {
    const text = JSON.stringify({ key, transaction_id: tx, new_rejected_reason: reason, [f]: 'MARK' });
    const [before, after] = text.split('MARK') as [string, string];
    return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
  }),
  fc.tuple(field, plainValue).map(([f, v]) => (key: string | undefined, tx: string, reason: string) =>
    Buffer.from(`${JSON.stringify({ key, transaction_id: tx, new_rejected_reason: reason }).slice(0, -1)},"${f}":"${v}"}`),
  ),
  fc.tuple(fc.constantFrom<Field>('transaction_id', 'new_rejected_reason'), fc.constantFrom('REPLACE', 'REPLACE_WITH_REJECTION_REASON')).map(
    ([f, placeholder]) => (key: string | undefined, tx: string, reason: string) =>
      Buffer.from(JSON.stringify({ key, transaction_id: tx, new_rejected_reason: reason, [f]: placeholder })),
  ),
  fc.constantFrom('[]', '"text"', '1', 'null', 'true', '{', '{"key":', '{"a":1}x', '', ' ').map((text) => () => Buffer.from(text)),
  // Over the 16 kB body limit.
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => (key: string | undefined, tx: string, reason: string) =>
    Buffer.from(JSON.stringify({ key, transaction_id: tx, new_rejected_reason: reason, padding: 'p'.repeat(n) })),
  ),
);
const jsonCase: fc.Arbitrary<Case> = fc.tuple(plainValue, plainValue, jsonBody, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/vnd.api+json')).map(
  ([tx, reason, body, type]) => ({
    name: 'json body',
    build: (key) => ({ method: 'POST', target: Buffer.from('/v1/rejections'), headers: [`Content-Type: ${type}`], body: body(key, tx, reason) }),
  }),
);

// A complete, valid postback in a body type the receiver does not read, or with a body on GET.
const contentTypeCase: fc.Arbitrary<Case> = fc.tuple(
  plainValue,
  plainValue,
  fc.constantFrom(
    'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'text/html',
    'application/json; charset=latin1', 'application/x-www-form-urlencoded; charset=koi8-r', 'application/json; charset=utf-16', undefined,
  ),
  fc.constantFrom('GET', 'POST'),
).map(([tx, reason, type, method]) => ({
  name: `content type ${type} (${method})`,
  build: (key) => {
    const pairs = basePairs(key, tx, reason);
    return method === 'GET'
      ? { ...get(encodePairs(pairs)), headers: type ? [`Content-Type: ${type}`] : [], body: Buffer.from('x=1') }
      : {
          method,
          target: Buffer.from('/v1/rejections'),
          headers: type ? [`Content-Type: ${type}`] : [],
          body: Buffer.from(type?.includes('json') ? JSON.stringify(Object.fromEntries(pairs)) : encodePairs(pairs)),
        };
  },
}));

// A valid postback sent with a method other than GET or POST, or not quite HTTP.
const methodCase: fc.Arbitrary<Case> = fc.tuple(
  plainValue,
  plainValue,
  fc.constantFrom('HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'SEARCH', 'FOO', 'get', 'G ET', 'GET\t'),
).map(([tx, reason, method]) => ({ name: `method ${method}`, build: (key) => ({ ...get(encodePairs(basePairs(key, tx, reason))), method }) }));

// A valid postback whose HTTP framing or headers are broken.
const headerCase: fc.Arbitrary<Case> = fc.tuple(
  plainValue,
  plainValue,
  fc.constantFrom(
    ['Content-Length: 3', 'Content-Length: 4'],
    ['Transfer-Encoding: chunked', 'Content-Length: 3'],
    ['Transfer-Encoding: chunked'],
    ['X-Bad: a\u0000b'],
    ['X-Bad : a'],
    ['X-Bad: a', ' folded'],
    ['Bad Header: 1'],
    ['X-Big: ' + 'h'.repeat(20_000)],
    ['Content-Length: -1'],
    ['Content-Length: abc'],
    ['NOHOST'],
  ),
).map(([tx, reason, headers]) => ({
  name: `headers ${headers[0]!.slice(0, 30)}`,
  build: (key) => {
    const q = get(encodePairs(basePairs(key, tx, reason)));
    const chunked = (headers as readonly string[]).includes('Transfer-Encoding: chunked');
    return { ...q, method: 'POST', headers: [...headers], body: Buffer.from(chunked ? 'zz\r\nabc\r\n0\r\n\r\n' : 'abc') };
  },
}));

const keyChoice = fc.oneof(
  { weight: 6, arbitrary: fc.constant<'valid'>('valid') },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

/** The request as latin1 text (one character per byte), so that a counterexample prints readably. */
function hostileRequests(): fc.Arbitrary<{ method: string; bytes: string }> {
  const cases = fc.oneof(queryCase, queryCase, formCase, jsonCase, contentTypeCase, methodCase, headerCase);
  return fc.tuple(cases, keyChoice).map(([c, keyMode]) => {
    const req = c.build(keyMode === 'valid' ? validKey : keyMode);
    return { method: req.method, bytes: toBytes(req).toString('latin1') };
  });
}

function toBytes(req: ReturnType<Case['build']>): Buffer {
  const noHost = req.headers.includes('NOHOST');
  const headers = [
    ...(noHost ? [] : ['Host: 127.0.0.1']),
    'Connection: close',
    ...req.headers.filter((h) => h !== 'NOHOST'),
    ...(req.body !== undefined && !req.headers.some((h) => /^(content-length|transfer-encoding)/i.test(h)) ? [`Content-Length: ${req.body.length}`] : []),
  ];
  return Buffer.concat([
    Buffer.from(`${req.method} `, 'latin1'),
    req.target,
    Buffer.from(` HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
    req.body ?? Buffer.alloc(0),
  ]);
}

function expectRefused(answer: RawAnswer, method: string): void {
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  if (answer.headers['content-type'] === undefined) {
    // Node's own HTTP parser refused the bytes before the app saw them: a bare 4xx and a closed connection.
    expect(answer.body).toBe('');
    return;
  }
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  if (method === 'HEAD') return;
  const body = JSON.parse(answer.body) as { error?: unknown };
  expect(typeof body.error).toBe('string');
}

async function queuedJobs(): Promise<number> {
  const counts = await onlyShard(admin).queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe('receiver: hostile input', () => {
  it('refuses thousands of malformed requests with a 4xx, queues none of them, and keeps serving', async () => {
    const before = await queuedJobs();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(hostileRequests(), async ({ method, bytes }) => {
        const answer = await sendRaw(port, Buffer.from(bytes, 'latin1'));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        expectRefused(answer, method);
      }),
      { numRuns: 3000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    expect(await queuedJobs()).toBe(before);

    const valid = await sendPostback(rx.baseUrl, { key: validKey, new_rejected_reason: 'bot_traffic', transaction_id: 'after-fuzz' });
    expect(valid.status).toBe(202);
    expect(await queuedJobs()).toBe(before + 1);
    // Every kind of refusal was exercised, not only the parser's.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([400, 401, 405, 413, 415]));
  });
});

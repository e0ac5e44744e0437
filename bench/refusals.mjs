// `--refusals`: what recording refused requests costs the receiver under a flood of bad keys. Two receivers, one
// with the refusal log on and one with REFUSAL_LOG=false, take the same flood in alternating rounds; refusals/s of
// each and their ratio per round. Two floods: from one address (past AUTH_FAILURES_PER_ADDRESS the key-failure
// limiter answers 429 from memory, and the recorder collapses them to one entry per turn), and from a new address
// per request (X-Forwarded-For from the trusted loopback: every one a 401, a key look-up, a limiter write and an
// entry of its own). Needs no database.
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { refusalStreamKey } from '@postback/core';
import { PREFIX, REDIS_URL } from './seed.mjs';
import { freePort, peakRssMb, startApp, waitForHttp } from './services.mjs';

const BAD_KEY = 'bench-not-a-key-0123456789abcdefghijklmnopq';

async function flood({ url, connections, seconds, manyAddresses }) {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => {
          n += 1;
          const headers = manyAddresses ? { ...req.headers, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` } : req.headers;
          return { ...req, headers, path: `/v1/rejections?key=${BAD_KEY}&new_rejected_reason=bot&transaction_id=tx-${n}` };
        },
      },
    ],
  });
  const refused = Object.entries(result.statusCodeStats ?? {}).reduce((sum, [code, s]) => sum + (code === '401' || code === '429' ? s.count : 0), 0);
  return { refusals_per_s: Math.round(refused / seconds), other: result.requests.total - refused, errors: result.errors + result.timeouts };
}

async function counters(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const read = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { recorded: read('postback_receiver_refusals_recorded_total'), dropped: read('postback_receiver_refusals_dropped_total') };
}

async function startReceiver(env, refusalLog) {
  const port = await freePort();
  const metricsPort = await freePort();
  const app = startApp('receiver', {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    RECEIVER_METRICS_PORT: String(metricsPort),
    REFUSAL_LOG: refusalLog ? 'true' : 'false',
    // The access log at info costs alike on both sides; warn keeps the bench about the recording.
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`);
  return { app, url, metrics: `http://127.0.0.1:${metricsPort}/metrics` };
}

const round = (n, digits) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchRefusals({ connections, seconds, rounds, env, log }) {
  const redis = new Redis(REDIS_URL);
  const on = await startReceiver({ ...env, QUEUE_PREFIX: PREFIX }, true);
  const off = await startReceiver({ ...env, QUEUE_PREFIX: PREFIX }, false);
  const results = {};
  try {
    for (const manyAddresses of [false, true]) {
      const name = manyAddresses ? 'many_addresses' : 'one_address';
      log(`refusals: flood from ${manyAddresses ? 'a new address per request' : 'one address'}, log on and off, alternating`);
      for (const rx of [on, off]) await flood({ url: rx.url, connections, seconds: 1, manyAddresses });
      const before = await counters(on.metrics);
      const runs = [];
      for (let i = 0; i < rounds; i++) {
        const withLog = await flood({ url: on.url, connections, seconds, manyAddresses });
        const without = await flood({ url: off.url, connections, seconds, manyAddresses });
        runs.push({ on_per_s: withLog.refusals_per_s, off_per_s: without.refusals_per_s, ratio: round(withLog.refusals_per_s / without.refusals_per_s, 3), errors: withLog.errors + without.errors });
      }
      const after = await counters(on.metrics);
      const ratios = runs.map((r) => r.ratio);
      results[name] = {
        on_per_s: median(runs.map((r) => r.on_per_s)),
        off_per_s: median(runs.map((r) => r.off_per_s)),
        ratio: median(ratios),
        ratio_min: Math.min(...ratios),
        ratio_max: Math.max(...ratios),
        recorded: after.recorded - before.recorded,
        dropped: after.dropped - before.dropped,
        rounds: runs,
      };
    }
    results.stream_entries = await redis.xlen(refusalStreamKey(PREFIX));
    results.receiver_rss_mb = { on: peakRssMb(on.app.child.pid), off: peakRssMb(off.app.child.pid) };
  } finally {
    await Promise.all([on.app.stop(), off.app.stop()]);
    const keys = await redis.keys(`${PREFIX.slice(0, -1)}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
  return results;
}

export function refusalRows(r) {
  if (!r) return [];
  return ['one_address', 'many_addresses'].map((name) => {
    const x = r[name];
    return [
      `Bad-key flood, ${name === 'one_address' ? 'one address (429s)' : 'a new address each (401s)'}: log on / off`,
      `${x.on_per_s} / ${x.off_per_s} refusals/s`,
      `ratio ${x.ratio} (rounds ${x.ratio_min}–${x.ratio_max}); recorded ${x.recorded}, dropped ${x.dropped}`,
    ];
  });
}

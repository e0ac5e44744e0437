// The real Prometheus (Debian's `prometheus` binary) runs ops/prometheus/prometheus.yml and alerts.yml against the
// receiver, worker and admin started here as their own processes: every target is scraped (the admin with its bearer
// token from a credentials file, as compose gives it), each app's metrics are queryable, and every alert rule
// evaluates without error and stays quiet while the pipeline is healthy. Static targets stand for compose's DNS
// discovery of worker replicas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/freePort.js';
import { alertNamesOfRuleFiles } from './helpers/prometheusConfig.js';
import { startPrometheus, type PrometheusProcess } from './helpers/prometheusProcess.js';
import { ADMIN_TOKEN, spawnPipeline, type SpawnedPipeline } from './helpers/spawnedPipeline.js';
import { createTestEnvironment, eventually, type TestEnvironment } from './helpers/testEnvironment.js';

interface Target {
  labels: { job: string; instance: string };
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}
interface Rule {
  name: string;
  type: string;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  state?: 'inactive' | 'pending' | 'firing';
}
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

const TARGETS_UP_WITHIN_MS = 30_000;
// prometheus.yml's jobs (localPrometheusConfig refuses a job this file gives no target).
const JOBS = ['admin', 'receiver', 'worker'];
const alertNames = alertNamesOfRuleFiles();

let t: TestEnvironment;
let pipeline: SpawnedPipeline | undefined;
let prometheus: PrometheusProcess | undefined;
let targetsGiven: Record<string, string>;

beforeAll(async () => {
  t = await createTestEnvironment('prometheus_scrape');
  const [receiverPort, workerPort] = [await freePort(), await freePort()];
  pipeline = await spawnPipeline({ ...t.env, RECEIVER_METRICS_PORT: String(receiverPort), WORKER_METRICS_PORT: String(workerPort) });
  targetsGiven = { receiver: `127.0.0.1:${receiverPort}`, worker: `127.0.0.1:${workerPort}`, admin: new URL(pipeline.adminUrl).host };
  prometheus = await startPrometheus({
    targets: targetsGiven,
    adminToken: ADMIN_TOKEN,
    interval: '1s',
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await pipeline?.stop();
  await t?.teardown();
});

/** The instant value of `query`, once Prometheus has one that satisfies `accept`. */
async function valueOf(query: string, accept: (value: number) => boolean): Promise<number> {
  let last: Sample[] = [];
  try {
    return await eventually(async () => {
      last = (await prometheus!.api<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(query)}`)).result;
      const value = last.length === 1 ? Number(last[0]!.value[1]) : undefined;
      return value !== undefined && accept(value) ? value : undefined;
    }, 15_000, query);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last answer: ${JSON.stringify(last)}`, { cause: err });
  }
}

describe('the real Prometheus, on prometheus.yml', () => {
  it('scrapes every target of every job, the admin with its token', async () => {
    const deadline = Date.now() + TARGETS_UP_WITHIN_MS;
    let targets: Target[];
    for (;;) {
      targets = (await prometheus!.api<{ activeTargets: Target[] }>('/api/v1/targets?state=active')).activeTargets;
      const jobs = targets.map((target) => target.labels.job).sort();
      if (jobs.join() === JOBS.join() && targets.every((target) => target.health === 'up')) break;
      if (Date.now() > deadline) {
        const listing = targets.map((x) => `${x.labels.job} ${x.scrapeUrl}: ${x.health} ${x.lastError}`).join('\n');
        throw new Error(`not one target of each of ${JOBS.join(', ')} up within ${TARGETS_UP_WITHIN_MS} ms:\n${listing}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(targets.map((target) => target.labels.instance).sort()).toEqual(Object.values(targetsGiven).sort());
  });

  it("stores each app's own metrics", async () => {
    expect((await fetch(`${pipeline!.receiverUrl}/healthz`)).status).toBe(200);
    expect(await valueOf('postback_receiver_requests_total{job="receiver",route="/healthz",status="200"}', (v) => v >= 1)).toBe(1);
    // One shard: the worker consumes it, the admin reads its queues from Redis (a scrape with the right token).
    expect(await valueOf('sum(postback_worker_consuming{job="worker"})', (v) => v > 0)).toBe(1);
    expect(await valueOf('postback_queue_stats_up{job="admin"}', (v) => v > 0)).toBe(1);
  });

  it('loads every alert rule of alerts.yml and evaluates each without error', async () => {
    const rules = await eventually(async () => {
      const groups = (await prometheus!.api<{ groups: Array<{ rules: Rule[] }> }>('/api/v1/rules?type=alert')).groups;
      const all = groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((rule) => rule.health !== 'unknown') ? all : undefined;
    }, 15_000, 'every alert rule evaluated');
    expect(rules.map((rule) => rule.name).sort()).toEqual([...alertNames].sort());
    for (const rule of rules) expect([rule.name, rule.health, rule.lastError ?? '']).toEqual([rule.name, 'ok', '']);
  });

  it('raises no alert, not even a pending one, while the pipeline is healthy', async () => {
    let raised: Rule[] = [];
    await eventually(async () => {
      const groups = (await prometheus!.api<{ groups: Array<{ rules: Rule[] }> }>('/api/v1/rules?type=alert')).groups;
      raised = groups.flatMap((g) => g.rules).filter((rule) => rule.state !== 'inactive');
      return raised.length === 0;
    }, 15_000, 'every alert inactive').catch((err: Error) => {
      throw new Error(`${err.message}: ${raised.map((rule) => `${rule.name} ${rule.state}`).join(', ')}`, { cause: err });
    });
  });
});

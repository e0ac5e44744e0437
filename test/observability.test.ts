// The Grafana dashboard, the Prometheus alert rules and prometheus.yml are checked against the code: every metric
// their PromQL uses is one the apps really export (read from the running apps' /metrics, not from a list kept by
// hand), and Prometheus scrapes the compose services on the ports they are configured with.
import { readdirSync, readFileSync } from 'node:fs';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@postback/core';
import { freePort } from './helpers/freePort.js';
import { declaredSeries, fetchExposition } from './helpers/scrapeMetrics.js';
import { spawnApp, type AppProcess } from './helpers/spawnApp.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

interface Service {
  environment?: Record<string, string>;
  volumes?: string[];
  expose?: string[];
  secrets?: string[];
  command?: string[];
}
interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>;
  authorization?: { type?: string; credentials_file?: string };
}

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  secrets?: Record<string, { environment?: string }>;
};
const services = compose.services;
const prometheusYml = parse(read('ops/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: ScrapeConfig[] };
const alertRules = (parse(read('ops/prometheus/alerts.yml')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(read('ops/grafana/dashboards/postback-pipeline.json')) as {
  panels: Array<{
    title: string;
    datasource?: { uid: string };
    targets: Array<{ expr: string; legendFormat?: string; datasource?: { uid: string } }>;
  }>;
};
const datasources = (parse(read('ops/grafana/provisioning/datasources/prometheus.yml')) as {
  datasources: Array<{ uid: string; url: string; type: string }>;
}).datasources;
const dashboardProviders = (parse(read('ops/grafana/provisioning/dashboards/postback-pipeline.yml')) as {
  providers: Array<{ options: { path: string } }>;
}).providers;

// Series Prometheus makes itself for every target, not exported by any app.
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

const interpolate = (value: string) => String(value).replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, _n, op, arg) => (op === '-' ? arg : 'a-sample-secret-of-32-characters'));
const configOf = (service: string) =>
  loadConfig(Object.fromEntries(Object.entries(services[service]!.environment ?? {}).map(([k, v]) => [k, interpolate(v)])));

/** The folder or file in this repository that a compose service mounts at `containerPath`, if any. */
function hostPathOf(service: string, containerPath: string): string | undefined {
  for (const volume of services[service]!.volumes ?? []) {
    const [host, target] = volume.split(':');
    if (!host!.startsWith('./')) continue;
    if (containerPath === target) return host!.slice(2);
    if (containerPath.startsWith(`${target}/`)) return host!.slice(2) + containerPath.slice(target!.length);
  }
  return undefined;
}

/** The metric names a PromQL expression selects; fails on an expression PromQL's grammar does not accept. */
function metricsIn(expr: string): string[] {
  // Grafana replaces its interval variables before Prometheus sees the query.
  const query = expr.replace(/\$__(rate_interval|interval|range)/g, '5m');
  const names: string[] = [];
  const errors: number[] = [];
  promql.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(query.slice(node.from, node.to));
    },
  });
  expect(errors, `PromQL syntax error in: ${expr}`).toEqual([]);
  expect(names.length, `no metric in: ${expr}`).toBeGreaterThan(0);
  return names;
}

const ADMIN_TOKEN = 'observability-test-admin-token-0123';
let t: TestEnvironment;
let apps: AppProcess[] = [];
let exported: Set<string>;
let expositions: string;

beforeAll(async () => {
  t = await createTestEnvironment('observability');
  const [receiverPort, publicPort, workerPort, adminPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env = { ...t.env, LOG_LEVEL: 'info', HOST: '127.0.0.1' };
  apps = [
    spawnApp('receiver', { ...env, PORT: String(publicPort), RECEIVER_METRICS_PORT: String(receiverPort) }),
    spawnApp('worker', { ...env, WORKER_METRICS_PORT: String(workerPort) }),
    spawnApp('admin', { ...env, ADMIN_PORT: String(adminPort), ADMIN_TOKEN }),
  ];
  await Promise.all([
    apps[0]!.waitForLog((l) => l.msg === 'metrics listening'),
    apps[1]!.waitForLog((l) => l.msg === 'metrics listening'),
    apps[2]!.waitForLog((l) => l.msg === 'admin API listening'),
  ]);
  const texts = await Promise.all([
    fetchExposition(`http://127.0.0.1:${receiverPort}/metrics`),
    fetchExposition(`http://127.0.0.1:${workerPort}/metrics`),
    fetchExposition(`http://127.0.0.1:${adminPort}/metrics`, ADMIN_TOKEN),
  ]);
  exported = new Set(texts.flatMap((text) => [...declaredSeries(text)]));
  expositions = texts.join('\n');
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await t?.teardown();
});

describe('Grafana dashboard', () => {
  it('collected the series of all three apps', () => {
    for (const name of ['postback_receiver_requests_total', 'postback_worker_postbacks_total', 'postback_queue_jobs']) {
      expect(exported).toContain(name);
    }
  });

  it.each(dashboard.panels.map((p) => [p.title, p] as const))('panel "%s" queries only metrics the apps export', (_title, panel) => {
    expect(panel.targets.length).toBeGreaterThan(0);
    for (const { expr } of panel.targets) {
      for (const name of metricsIn(expr)) expect(exported.has(name) || PROMETHEUS_OWN.has(name), `${name} in ${expr}`).toBe(true);
    }
  });

  it('shows ingest rate, ack latency, queue depth, outcomes and dead-letter size', () => {
    const queries = dashboard.panels.flatMap((p) => p.targets.map((target) => target.expr)).join('\n');
    expect(queries).toMatch(/postback_receiver_requests_total\{[^}]*status="202"/);
    expect(queries).toContain('postback_receiver_ack_seconds_bucket');
    expect(queries).toMatch(/postback_queue_jobs\{queue="main"\}/);
    expect(queries).toContain('postback_worker_postbacks_total');
    expect(queries).toMatch(/postback_queue_jobs\{queue="dead_letter"\}/);
  });

  it('labels queue depths as jobs, not postbacks (a main-queue job carries up to 500 postbacks)', () => {
    expect(expositions).toMatch(/^# HELP postback_queue_jobs Jobs \(not postbacks/m);
    const depths = dashboard.panels.flatMap((p) => p.targets.filter((target) => target.expr.includes('postback_queue_jobs')));
    expect(depths.length).toBeGreaterThan(0);
    for (const target of depths) expect(target.legendFormat, target.expr).toMatch(/\bjobs\b/);
  });

  it('reads from the provisioned Prometheus datasource, which points at the compose prometheus service', () => {
    const [datasource] = datasources;
    expect(datasource!.type).toBe('prometheus');
    const url = new URL(datasource!.url);
    expect(services[url.hostname], `${url.hostname} is a compose service`).toBeDefined();
    // Prometheus's own default listen address, unless the compose command changes it.
    expect((services.prometheus!.command ?? []).some((arg) => arg.startsWith('--web.listen-address'))).toBe(false);
    expect(url.port).toBe('9090');
    for (const panel of dashboard.panels) {
      for (const ref of [panel.datasource, ...panel.targets.map((target) => target.datasource)]) expect(ref?.uid).toBe(datasource!.uid);
    }
  });

  it('is in the folder the dashboard provider loads, as compose mounts it', () => {
    const folder = hostPathOf('grafana', dashboardProviders[0]!.options.path);
    expect(folder).toBe('ops/grafana/dashboards');
    expect(readdirSync(new URL(`${folder}/`, root))).toContain('postback-pipeline.json');
    expect(hostPathOf('grafana', '/etc/grafana/provisioning')).toBe('ops/grafana/provisioning');
  });
});

describe('Prometheus alert rules', () => {
  it.each(alertRules.map((r) => [r.alert, r] as const))('%s uses only metrics the apps export', (_name, rule) => {
    for (const name of metricsIn(rule.expr)) expect(exported.has(name) || PROMETHEUS_OWN.has(name), name).toBe(true);
  });

  it.each(alertRules.map((r) => [r.alert, r] as const))('%s names the command that answers it', (_name, rule) => {
    expect(rule.annotations.description).toMatch(/`(npm run cli -- |docker compose |curl )[^`]+`/);
  });

  it('covers the dead-letter queue, an old waiting job, receiver 5xx, replicas not confirming and no worker consuming', () => {
    const exprs = alertRules.map((r) => r.expr).join('\n');
    expect(exprs).toMatch(/postback_queue_jobs\{queue="dead_letter"\}/);
    expect(exprs).toContain('postback_queue_oldest_waiting_age_seconds');
    expect(exprs).toMatch(/postback_receiver_requests_total\{status=~"5\.\."\}/);
    expect(exprs).toContain('postback_worker_consuming');
    expect(exprs).toContain('postback_receiver_replication_timeouts_total');
  });

  it('covers a failing delivery destination, a growing delivery backlog and growing delivery dead letters', () => {
    const exprs = alertRules.map((r) => r.expr).join('\n');
    expect(exprs).toMatch(/sum by \(destination\) \(increase\(postback_deliveries_total\{result=~"failed\|retrying"\}/);
    expect(exprs).toContain('postback_outbox_oldest_pending_seconds');
    expect(exprs).toMatch(/postback_delivery_queue_jobs\{queue="dead_letter"\}/);
  });
});

describe('prometheus.yml', () => {
  const job = (name: string) => prometheusYml.scrape_configs.find((c) => c.job_name === name)!;

  it('loads alerts.yml from the folder compose mounts', () => {
    expect(prometheusYml.rule_files.map((file) => hostPathOf('prometheus', file))).toEqual(['ops/prometheus/alerts.yml']);
    expect(hostPathOf('prometheus', '/etc/prometheus/prometheus.yml')).toBe('ops/prometheus/prometheus.yml');
  });

  it('scrapes the receiver, every worker replica and the admin', () => {
    expect(prometheusYml.scrape_configs.map((c) => c.job_name).sort()).toEqual(['admin', 'receiver', 'worker']);
  });

  it('scrapes the receiver on its metrics port, which compose exposes', () => {
    const port = configOf('receiver').RECEIVER_METRICS_PORT;
    expect(job('receiver').static_configs![0]!.targets).toEqual([`receiver:${port}`]);
    expect(services.receiver!.expose).toContain(String(port));
  });

  it('finds every worker replica through DNS, on the worker metrics port, which compose exposes', () => {
    const port = configOf('worker').WORKER_METRICS_PORT;
    expect(job('worker').dns_sd_configs).toEqual([expect.objectContaining({ names: ['worker'], type: 'A', port })]);
    expect(services.worker!.expose).toContain(String(port));
  });

  it('scrapes the admin on ADMIN_PORT with the admin token, from a secret compose gives prometheus', () => {
    const admin = job('admin');
    expect(admin.static_configs![0]!.targets).toEqual([`admin:${configOf('admin').ADMIN_PORT}`]);
    expect(admin.authorization?.type ?? 'Bearer').toBe('Bearer');
    const secret = /^\/run\/secrets\/(\w+)$/.exec(admin.authorization?.credentials_file ?? '')?.[1];
    expect(services.prometheus!.secrets).toContain(secret);
    expect(compose.secrets?.[secret!]?.environment).toBe('ADMIN_TOKEN');
  });
});

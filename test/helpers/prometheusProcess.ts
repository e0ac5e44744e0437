import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.js';
import { NOT_INSTALLED } from './prometheusBinaries.js';
import { localPrometheusConfig } from './prometheusConfig.js';

export interface PrometheusProcess {
  /** http://127.0.0.1:port of its web UI and HTTP API. */
  url: string;
  /** GET `path` of its HTTP API (`/api/v1/…`): the `data` of a success, an error with Prometheus's answer otherwise. */
  api: <T>(path: string) => Promise<T>;
  /** Stops it (SIGTERM) and removes its folder. */
  stop: () => Promise<void>;
}

/**
 * The real `prometheus` binary running ops/prometheus/prometheus.yml (with its rule files) against `targets`, the
 * admin token in a file as compose's secret would be, its data in a folder of its own, on a free loopback port.
 * Resolves once it answers /-/ready.
 */
export async function startPrometheus(options: { targets: Record<string, string>; adminToken: string; interval: string }): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-prometheus-'));
  const credentialsFile = join(dir, 'admin_token');
  writeFileSync(credentialsFile, options.adminToken, { mode: 0o600 });
  writeFileSync(join(dir, 'prometheus.yml'), localPrometheusConfig({ ...options, credentialsFile }));
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = once(child, 'exit').catch(() => undefined);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(NOT_INSTALLED('prometheus')) : err));
    child.once('exit', (code) => reject(new Error(`prometheus exited (${code}) before it was ready:\n${log}`)));
  });
  // Its exit after it was ready is stop()'s doing, not a failure.
  failed.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([failed, ready(url, 30_000, () => log)]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async api<T>(path: string) {
      const res = await fetch(url + path);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus ${path}: ${res.status} ${body.error}`);
      return body.data;
    },
    stop,
  };
}

async function ready(url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/-/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`prometheus not ready within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

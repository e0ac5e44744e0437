// Checks docker-compose.yml and the Dockerfile against the code, without Docker: the commands run files that
// are built, the env vars are ones loadConfig accepts, and the dependencies form a stack that can start.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '@postback/core';

interface Service {
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  container_name?: string;
  restart?: string;
  stop_grace_period?: string;
}

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.build !== undefined);
const dockerfile = read('Dockerfile');
const npmScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

// What `docker compose` substitutes: ${VAR:-default} gives the default, ${VAR:?error} a value the user must set.
const interpolate = (value: string) =>
  String(value).replace(/\$\{(\w+)(?::?([-?])([^}]*))?\}/g, (_m, _name, op, arg) =>
    op === '-' ? arg : 'a-sample-secret-of-32-characters',
  );
const envOf = (s: Service) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1]);
const runtime = dockerfile.split(/^FROM /m).slice(1).at(-1)!;
const runtimeCopies = () => runtime.split('\n').filter((line) => line.startsWith('COPY '));

describe('docker-compose.yml', () => {
  it('builds the app image for the receiver, worker, admin and migrate services', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['admin', 'migrate', 'receiver', 'worker']);
  });

  it.each(appServices)('%s runs a built file whose TypeScript source exists', (_name, service) => {
    const [node, script] = service.command ?? [];
    expect(node).toBe('node');
    const source = /^apps\/(\w+)\/dist\/(\w+)\.js$/.exec(script ?? '');
    expect(source, `${script} is not an apps/<app>/dist/<file>.js`).not.toBeNull();
    expect(existsSync(new URL(`apps/${source![1]}/src/${source![2]}.ts`, root))).toBe(true);
  });

  it.each(appServices)('%s sets only env vars that loadConfig knows, with values it accepts', (_name, service) => {
    const env = envOf(service);
    const cfg = loadConfig(env);
    // The config schema drops unknown keys, so a misspelt variable would be silently ignored: catch it here.
    for (const key of Object.keys(env)) expect(cfg, `${key} is not in packages/core/src/config.ts`).toHaveProperty(key);
  });

  it('points the apps at the postgres and redis services, at the database postgres creates', () => {
    const env = envOf(services.worker!);
    const db = new URL(env.DATABASE_URL!);
    expect(db.hostname).toBe('postgres');
    expect(db.pathname).toBe(`/${services.postgres!.environment!.POSTGRES_DB}`);
    expect(new URL(env.REDIS_URL!).hostname).toBe('redis');
  });

  it('runs redis with an append-only file fsynced before each reply, and a memory cap that refuses rather than evicts', () => {
    const args = services.redis!.command!.join(' ');
    expect(args).toContain('--appendonly yes');
    // everysec (the default) can lose up to a second of postbacks already answered 202.
    expect(args).toContain('--appendfsync always');
    // noeviction only takes effect once maxmemory is set.
    expect(args).toMatch(/--maxmemory \d+(kb|mb|gb)\b/);
    expect(args).toContain('--maxmemory-policy noeviction');
  });

  it('lets the worker scale: no container_name, no host ports', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
  });

  it.each(appServices)('gives %s a stop grace period longer than SHUTDOWN_TIMEOUT_MS', (_name, service) => {
    const timeoutMs = loadConfig(envOf(service)).SHUTDOWN_TIMEOUT_MS;
    expect(seconds(service.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(timeoutMs);
  });

  it('starts the worker only once postgres and redis are healthy and the migrations have run', () => {
    expect(services.worker!.depends_on).toEqual({
      redis: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('starts the receiver without postgres or migrate: it works while Postgres is down', () => {
    expect(Object.keys(services.receiver!.depends_on ?? {})).toEqual(['redis']);
  });

  it('only waits for health on services that have a healthcheck, and for completion on one-shots', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dep]!.healthcheck, `${dep} (for ${name})`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(services[dep]!.restart).toBe('no');
      }
    }
  });

  const longRunning = Object.entries(services).filter(([, s]) => s.restart !== 'no');

  it('covers every long-running service in the healthcheck checks below', () => {
    expect(longRunning.map(([name]) => name).sort()).toEqual(['admin', 'grafana', 'postgres', 'prometheus', 'receiver', 'redis', 'worker']);
  });

  it.each(longRunning)('gives %s a healthcheck', (_name, service) => {
    expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it.each(longRunning)('%s: the healthcheck runs files that are built and copied into the image', (_name, service) => {
    const scripts = service.healthcheck!.test.filter((arg) => /\.js$/.test(arg));
    for (const script of scripts) {
      expect(existsSync(new URL(script, root)), `${script} (npm run build first)`).toBe(true);
      const dir = script.replace(/\/[^/]+\.js$/, '');
      expect(runtimeCopies().some((line) => line.trim().endsWith(` ${dir}`)), `${dir} in the runtime stage`).toBe(true);
    }
  });

  it.each(longRunning.filter(([, s]) => s.build !== undefined && s.healthcheck?.test.includes('-e')))(
    '%s: the inline HTTP healthcheck asks the port the service listens on',
    (_name, service) => {
      const cfg = loadConfig(envOf(service));
      const port = /127\.0\.0\.1:(\d+)\//.exec(service.healthcheck!.test.join(' '))?.[1];
      expect([cfg.PORT, cfg.ADMIN_PORT]).toContain(Number(port));
    },
  );

  it('lets the admin API listen on the container network (its default is loopback) and publishes it on the host loopback only', () => {
    expect(loadConfig({}).ADMIN_HOST).toBe('127.0.0.1');
    expect(loadConfig(envOf(services.admin!)).ADMIN_HOST).toBe('0.0.0.0');
    expect(services.admin!.ports?.length).toBeGreaterThan(0);
    for (const published of services.admin!.ports!) expect(published).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives the worker a heartbeat file for its healthcheck to read', () => {
    expect(loadConfig(envOf(services.worker!)).WORKER_HEARTBEAT_FILE).toMatch(/^\//);
  });

  it('migrates with the same entry point as npm run db:migrate', () => {
    const fromScript = /node (\S+\.js)\s*$/.exec(npmScripts['db:migrate']!)?.[1];
    expect(services.migrate!.command).toEqual(['node', fromScript]);
  });
});

describe('Dockerfile', () => {

  it('runs only npm scripts that package.json defines', () => {
    const used = [...dockerfile.matchAll(/npm run (\S+)/g)].map((m) => m[1]!);
    expect(used).toContain('build');
    for (const script of used) expect(npmScripts, `npm run ${script}`).toHaveProperty([script]);
  });

  it('copies into the runtime stage the dist of every command, the migrations and production node_modules', () => {
    const copied = (path: string) => runtimeCopies().some((line) => line.trim().endsWith(` ${path}`));
    for (const [, service] of appServices) {
      expect(copied(service.command![1]!.replace(/\/[^/]+\.js$/, '')), service.command![1]).toBe(true);
    }
    expect(copied('packages/core/dist')).toBe(true);
    expect(copied('prisma/migrations')).toBe(true);
    expect(dockerfile).toMatch(/npm (ci|prune) --omit=dev/);
  });

  it('runs the runtime stage as the unprivileged node user, in production mode', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
  });
});

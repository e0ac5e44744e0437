import { Gauge, type Registry } from 'prom-client';
import type { ReplicaState } from './wiring/reads.js';
import type { AdminDeps } from './wiring/adminDeps.js';

// Both gauges of one scrape share one query, as the queue metrics share one reading.
const CACHE_MS = 1000;

/**
 * The read replica's reachability and replay lag, asked of the replica when Prometheus scrapes; registered only
 * when DATABASE_READ_URL is set.
 */
export function registerReadReplicaMetrics(registry: Registry, deps: Pick<AdminDeps, 'reads'>): void {
  if (deps.reads.servedBy !== 'replica') return;
  let cached: { at: number; reading: Promise<ReplicaState | undefined> } | undefined;
  const read = () => {
    if (!cached || Date.now() - cached.at >= CACHE_MS) cached = { at: Date.now(), reading: deps.reads.replicaState() };
    return cached.reading;
  };
  new Gauge({
    name: 'postback_admin_read_replica_up',
    help: '1 when the read replica (DATABASE_READ_URL) answered at the last scrape, else 0',
    registers: [registry],
    async collect() {
      this.set((await read())?.state === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'postback_admin_read_replica_lag_seconds',
    help: 'How far the read replica is behind the primary: 0 when it has replayed all it received, else the age of the newest transaction it replayed; absent while it does not answer or is no standby',
    registers: [registry],
    async collect() {
      const state = await read();
      this.reset();
      if (state?.state === 'up' && state.lagSeconds !== null) this.set(state.lagSeconds);
    },
  });
}

import { Gauge, type Registry } from 'prom-client';
import type { AdminDeps } from './wiring/adminDeps.js';

/**
 * The read replica's reachability and replay lag, asked of the replica when Prometheus scrapes (one small query
 * per gauge, no cache: unlike the queue counts it costs the replica nothing); registered only when
 * DATABASE_READ_URL is set.
 */
export function registerReadReplicaMetrics(registry: Registry, deps: Pick<AdminDeps, 'reads'>): void {
  if (deps.reads.servedBy !== 'replica') return;
  new Gauge({
    name: 'postback_admin_read_replica_up',
    help: '1 when the read replica (DATABASE_READ_URL) answered at the last scrape, else 0',
    registers: [registry],
    async collect() {
      this.set((await deps.reads.replicaState())?.state === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'postback_admin_read_replica_lag_seconds',
    help: 'How far the read replica is behind the primary: 0 when it has replayed all it received, else the age of the newest transaction it replayed; NaN while it does not answer or is no standby',
    registers: [registry],
    async collect() {
      const state = await deps.reads.replicaState();
      // NaN, not 0: an unlabelled gauge cannot be absent, and 0 would say "caught up".
      this.set(state?.state === 'up' && state.lagSeconds !== null ? state.lagSeconds : NaN);
    },
  });
}

import { Gauge, type Registry } from 'prom-client';

export interface OutboxMetrics {
  /** The backlog as last read: pending notifications already due, and how long the oldest of them has been due. */
  backlog: (pending: number, oldestSeconds: number) => void;
}

/**
 * The outbox's gauges, in the worker's registry. Every worker reports the same fleet-wide numbers (they are read
 * from Postgres, not counted in the process): dashboards and alerts take their max, not their sum.
 */
export function createOutboxMetrics(registry: Registry): OutboxMetrics {
  const pending = new Gauge({
    name: 'postback_outbox_pending',
    help: 'Notifications waiting or being delivered whose due time has passed (the outbox backlog)',
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'postback_outbox_oldest_pending_seconds',
    help: 'Seconds since the due time of the oldest pending notification; 0 when none is due',
    registers: [registry],
  });
  return {
    backlog(count, seconds) {
      pending.set(count);
      oldest.set(seconds);
    },
  };
}

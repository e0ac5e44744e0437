import { Counter, Histogram, Registry } from 'prom-client';
import type { RefusalCounts } from './refusals/refusalRecorder.js';

/** The routes the request counter tells apart; anything else is `other` (bounded label values). */
export type ReceiverRoute = '/v1/rejections' | '/healthz' | '/readyz' | 'other';
const ROUTES: readonly ReceiverRoute[] = ['/v1/rejections', '/healthz', '/readyz', 'other'];

/** The route a request path is counted under. */
export function routeOf(path: string): ReceiverRoute {
  return path === '/v1/rejections' || path === '/healthz' || path === '/readyz' ? path : 'other';
}

// Ack latency is a few ms at most when Redis is healthy; the upper buckets catch a Redis that slows down.
const ACK_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
// A job holds 1 to POSTBACKS_PER_JOB (500) postbacks.
const JOB_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500];

export interface ReceiverMetrics {
  registry: Registry;
  /** An answer to a request on `route`; on the postback route also the ack latency of a 202. */
  answered: (route: ReceiverRoute, status: number, startedAt?: number) => void;
  /** A job stored in Redis with this many postbacks. */
  jobStored: (postbacks: number) => void;
  /** One turn's WAIT for ACK_REPLICAS replicas: how long it took, and whether enough replicas confirmed in time. */
  replicasAwaited: (seconds: number, confirmed: boolean) => void;
  /** Refused postback requests recorded in Redis for the admin, or dropped (see RefusalRecorder). */
  refusals: RefusalCounts;
}

/**
 * The receiver's metrics, in a registry of its own (main.ts serves it on RECEIVER_METRICS_PORT).
 * Requests are counted in a plain array indexed by status code and folded into the Prometheus counter when it is
 * scraped: an increment costs a few nanoseconds, a labelled prom-client inc() about 200 on the hot path.
 */
export function createReceiverMetrics(): ReceiverMetrics {
  const registry = new Registry();
  const counts = new Map(ROUTES.map((route) => [route, new Float64Array(600)]));
  const reported = new Map(ROUTES.map((route) => [route, new Float64Array(600)]));
  new Counter({
    name: 'postback_receiver_requests_total',
    help: 'Requests answered by the receiver, by route and HTTP status code',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
    collect() {
      for (const route of ROUTES) {
        const now = counts.get(route)!;
        const before = reported.get(route)!;
        for (let status = 0; status < now.length; status += 1) {
          if (now[status] === before[status]) continue;
          this.inc({ route, status: String(status) }, now[status]! - before[status]!);
          before[status] = now[status]!;
        }
      }
    },
  });
  const ack = new Histogram({
    name: 'postback_receiver_ack_seconds',
    help: 'Time from a postback request reaching the receiver to its 202 (postback stored in Redis)',
    buckets: ACK_BUCKETS,
    registers: [registry],
  });
  const jobSize = new Histogram({
    name: 'postback_receiver_job_postbacks',
    help: 'Postbacks per job stored in Redis (one enqueue batch holds one or more jobs)',
    buckets: JOB_SIZE_BUCKETS,
    registers: [registry],
  });
  // Only with ACK_REPLICAS ≥ 1: one WAIT per enqueue turn (per node that took its writes).
  const replicaWait = new Histogram({
    name: 'postback_receiver_replica_wait_seconds',
    help: 'Time an enqueue turn waited for ACK_REPLICAS replicas to confirm its writes (Redis WAIT)',
    buckets: ACK_BUCKETS,
    registers: [registry],
  });
  const replicationTimeouts = new Counter({
    name: 'postback_receiver_replication_timeouts_total',
    help: 'Enqueue turns whose writes fewer than ACK_REPLICAS replicas confirmed in time: their postbacks got 503',
    registers: [registry],
  });
  // Counted per write (one per turn), not per request: prom-client's inc() is cheap enough there.
  const refusalsRecorded = new Counter({
    name: 'postback_receiver_refusals_recorded_total',
    help: 'Refused postback requests recorded in Redis for GET /admin/refusals (requests, not stream entries)',
    registers: [registry],
  });
  const refusalsDropped = new Counter({
    name: 'postback_receiver_refusals_dropped_total',
    help: 'Refused postback requests not recorded: Redis did not take them, or a flood outran the entries waiting',
    registers: [registry],
  });
  return {
    registry,
    answered(route, status, startedAt) {
      counts.get(route)![status < 600 ? status : 0]! += 1;
      if (status === 202 && startedAt !== undefined) ack.observe((performance.now() - startedAt) / 1000);
    },
    jobStored: (postbacks) => jobSize.observe(postbacks),
    replicasAwaited(seconds, confirmed) {
      replicaWait.observe(seconds);
      if (!confirmed) replicationTimeouts.inc();
    },
    refusals: {
      recorded: (requests) => refusalsRecorded.inc(requests),
      dropped: (requests) => refusalsDropped.inc(requests),
    },
  };
}

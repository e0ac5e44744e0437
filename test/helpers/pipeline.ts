import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  batchJobIdOf,
  createLogger,
  postbacksOf,
  type Config,
  type Logger,
  type Postback,
  type PostbackJob,
  type PostbackQueue,
  type PostbackShard,
  type PostbackShards,
} from '@postback/core';
import { createAdminApp, type AdminAppDeps } from '../../apps/admin/src/app.js';
import { connectAdminDeps } from '../../apps/admin/src/wiring/connectAdminDeps.js';
import { createReceiver, type Receiver } from '../../apps/receiver/src/receiver.js';
import { createReceiverServer } from '../../apps/receiver/src/server.js';
import { startWorker, type WorkerProcess } from '../../apps/worker/src/workerProcess.js';

export type AdminHandle = ReturnType<typeof connectAdminDeps>;

export interface RunningReceiver {
  baseUrl: string;
  receiver: Receiver;
  stop: () => Promise<void>;
}

export async function serve(app: Parameters<typeof createServer>[1]): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

/** The real receiver, wired to the test's Redis prefix, served as main.ts serves it (timeouts too), on a free port. */
export async function startReceiver(cfg: Config, logger: Logger = silent(), waitReady = true): Promise<RunningReceiver> {
  const receiver = createReceiver(cfg, logger);
  if (waitReady) await receiver.ready();
  const server = createReceiverServer(cfg, receiver, logger);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    receiver,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await receiver.close();
    },
  };
}

export function startInProcessWorker(cfg: Config, logger: Logger = silent()): WorkerProcess {
  return startWorker(cfg, logger);
}

/** The BullMQ worker of a worker process's one shard (QUEUE_SHARDS=1, the default, and no other layout announced). */
export function onlyShardWorker(worker: WorkerProcess): ReturnType<WorkerProcess['workers']>[number] {
  const all = worker.workers();
  if (all.length !== 1) throw new Error(`onlyShardWorker: the process consumes ${all.length} shards`);
  return all[0]!;
}

export function silent(): Logger {
  return createLogger('test', 'silent');
}

export interface PostbackAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Sends a rejection postback the way an advertiser's server would: GET with the fields in the query string. */
export async function sendPostback(baseUrl: string, params: Record<string, string>): Promise<PostbackAnswer> {
  const res = await fetch(`${baseUrl}/v1/rejections?${new URLSearchParams(params)}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export { connectAdminDeps };

/**
 * The queues of the one shard a process has with QUEUE_SHARDS=1, the default (the names from before shards); for
 * the tests of everything but sharding itself.
 */
export function onlyShard(handle: { shards: PostbackShards }): PostbackShard {
  const [tag, ...more] = handle.shards.catalog.ownShards();
  if (more.length > 0) throw new Error(`onlyShard: this process has ${more.length + 1} shards`);
  return handle.shards.shard(tag!);
}

/** The queued job that carries a postback, and the postback in it (as the receiver stored it). */
export async function queuedPostback(queue: PostbackQueue, postbackId: string): Promise<{ jobId: string; job: PostbackJob; postback: Postback } | undefined> {
  const job = await queue.getJob(batchJobIdOf(postbackId));
  const postback = job && postbacksOf(job.data).find((p) => p.postbackId === postbackId);
  return job && postback ? { jobId: job.id!, job: job.data, postback } : undefined;
}

/** The admin API on a free port, wired to `deps` with `adminToken`; close() ends its connections and stops it. */
export async function serveAdminApi(
  deps: AdminHandle,
  adminToken: string,
  extra: Partial<AdminAppDeps> = {},
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const { server, baseUrl } = await serve(createAdminApp({ ...deps, adminToken, logger: silent(), ...extra }));
  return {
    baseUrl,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { Command, type Cluster, type Redis } from 'ioredis';
import type { Config } from './config.js';
import { ReplicationTimeoutError } from './errors/index.js';
import type { RedisConnection } from './redis.js';


/** How many replicas must hold a write before it is acknowledged, and how long to wait for them. */
export interface ReplicaPolicy {
  readonly replicas: number;
  readonly timeoutMs: number;
}

export const NO_REPLICA_WAIT: ReplicaPolicy = Object.freeze({ replicas: 0, timeoutMs: 0 });

/** A connection, and the replicas that must confirm the writes made over it before they are acknowledged. */
export interface Replication {
  readonly connection: RedisConnection;
  readonly policy: ReplicaPolicy;
}

export function replicaPolicyOf(cfg: Pick<Config, 'ACK_REPLICAS' | 'ACK_REPLICA_TIMEOUT_MS'>): ReplicaPolicy {
  return Object.freeze({ replicas: cfg.ACK_REPLICAS, timeoutMs: cfg.ACK_REPLICA_TIMEOUT_MS });
}

/**
 * The connection a write to a key's slot goes over, taken before the write. WAIT counts the replicas that have the
 * writes of the connection it is sent on, so it must reach the very connection that took the write: on a Cluster,
 * the node serving the slot; on any client, the same socket (a socket opened by a reconnect has written nothing,
 * and WAIT on it would answer at once with every replica it has, for writes that may be lost).
 */
export interface WriteTarget {
  readonly connection: RedisConnection;
  readonly slotKey: string;
  /** The node's client (the client itself when standalone or Sentinel); undefined while the slot has no known node. */
  readonly node: Redis | undefined;
  /** How many of the node's sockets had closed when taken: one more means the write may have gone over another. */
  readonly closedSockets: number;
}

export function writeTarget(connection: RedisConnection, slotKey: string): WriteTarget {
  const node = nodeServing(connection, slotKey);
  return { connection, slotKey, node, closedSockets: node ? closedSocketsOf(node) : 0 };
}

/**
 * After the writes, waits until `replicas` replicas confirm them on every distinct connection among `targets` (one
 * WAIT each, in parallel: two slots on one node share one). Resolves with the fewest confirmed; throws
 * ReplicationTimeoutError when fewer confirmed in time, or when a target's slot moved or its connection was replaced
 * since it was taken (a MOVED followed, a failover, a reconnect): no success is reported for a node or a socket that
 * did not take the write.
 */
export async function waitForReplicas(targets: WriteTarget | readonly WriteTarget[], replicas: number, timeoutMs: number): Promise<number> {
  const counts = await Promise.all(distinctTargets([targets].flat()).map((t) => waitOn(t, replicas, timeoutMs)));
  return Math.min(...counts);
}

/**
 * Runs `write`, which writes to `slotKey`'s slot over the replication's connection, and, when its policy asks for
 * replicas, resolves only once they confirm it (else ReplicationTimeoutError).
 */
export async function replicatedWrite<T>(replication: Replication | undefined, slotKey: string, write: () => Promise<T>): Promise<T> {
  if (!replication || replication.policy.replicas === 0) return write();
  const { connection, policy } = replication;
  const target = writeTarget(connection, slotKey);
  const result = await write();
  await waitForReplicas(target, policy.replicas, policy.timeoutMs);
  return result;
}

/** One target per node connection (node and socket): WAIT on a connection covers every earlier write made on it. */
export function distinctTargets(targets: readonly WriteTarget[]): WriteTarget[] {
  return targets.filter((t, i) => targets.findIndex((u) => u.node === t.node && u.closedSockets === t.closedSockets) === i);
}

/** WAIT's answer judged: how many confirmed, or the error that says why the write is not acknowledged. */
export function judgeConfirmed(replicas: number, confirmed: number, timeoutMs: number): number {
  if (confirmed < replicas) throw new ReplicationTimeoutError(replicas, confirmed, `WAIT ${replicas} ${timeoutMs} timed out`);
  return confirmed;
}

async function waitOn(target: WriteTarget, replicas: number, timeoutMs: number): Promise<number> {
  const { node, closedSockets } = target;
  if (node === undefined) throw new ReplicationTimeoutError(replicas, 0, `no known node serves the slot of ${target.slotKey}`);
  const unchanged = () => nodeServing(target.connection, target.slotKey) === node && closedSocketsOf(node) === closedSockets;
  if (!unchanged()) throw new ReplicationTimeoutError(replicas, 0, 'the slot moved or the connection was replaced since the write');
  const confirmed = await node.wait(replicas, timeoutMs);
  // A reconnect while WAIT was in flight may have resent it on the new socket, which took none of the writes.
  if (closedSocketsOf(node) !== closedSockets) throw new ReplicationTimeoutError(replicas, 0, 'the connection was replaced while waiting');
  return judgeConfirmed(replicas, confirmed, timeoutMs);
}

// A client has one socket at a time and closes it before it opens the next (ioredis emits 'close' then), so while
// this count stands still every command went over one socket. Counted from the first look at a client: a socket
// that closed before then cannot have taken a write made after.
const closedSockets = new WeakMap<Redis, { count: number }>();

function closedSocketsOf(node: Redis): number {
  let counter = closedSockets.get(node);
  if (!counter) {
    const fresh = { count: 0 };
    node.on('close', () => (fresh.count += 1));
    closedSockets.set(node, fresh);
    counter = fresh;
  }
  return counter.count;
}

/**
 * The client that a write to `slotKey` goes over. A Cluster routes a command by its key's slot to the first node
 * its slot table lists (the primary; a MOVED answer rewrites that entry before the command is retried), over the
 * one client it keeps per node: the same look-up here, with ioredis's own slot function, finds that client. (Its
 * node clients connect lazily, on their first command: the count of closed sockets, unlike the socket itself, is
 * known before that.)
 */
function nodeServing(connection: RedisConnection, slotKey: string): Redis | undefined {
  if (!isCluster(connection)) return connection;
  const primary = connection.slots[new Command('exists', [slotKey]).getSlot()]?.[0];
  if (primary === undefined) return undefined;
  return connection.nodes('all').find((n) => `${n.options.host}:${n.options.port}` === primary);
}

function isCluster(connection: RedisConnection): connection is Cluster {
  return connection.isCluster;
}

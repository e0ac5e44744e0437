import { LIVE_FOR_MS, shardsOnlyIn, shardTagsOf } from '@postback/core';
import { ConflictError, NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { wholeNumber } from './inputTypes.js';
import { parseInput } from './parseInput.js';

// Every state a job of a shard's queue can be in until it is done: a shard is drained when all are 0. "failed" is a
// job whose attempts ran out and that is not dead-lettered yet (a move cut short: the sweep finishes it).
const STATES = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'failed'] as const;

// QUEUE_SHARDS's own bounds.
export const layoutNumber = wholeNumber(1, 64);

interface ShardDepth {
  shard: string;
  /** Jobs in each state of the shard's postback queue. */
  jobs: Record<(typeof STATES)[number], number>;
  /** Entries in the shard's dead-letter queue. */
  dead_lettered: number;
  /** Other announced layouts that have this shard too (forgetting this layout leaves it consumed). */
  also_in: number[];
}

async function depthOf(deps: AdminDeps, shard: string, layouts: readonly number[], layout: number): Promise<ShardDepth> {
  const { queue, deadLetters } = deps.shards.shard(shard);
  const [counts, deadLettered] = await Promise.all([queue.getJobCounts(...STATES), deadLetters.getWaitingCount()]);
  const jobs = Object.fromEntries(STATES.map((state) => [state, counts[state] ?? 0])) as ShardDepth['jobs'];
  const alsoIn = layouts.filter((n) => n !== layout && shardTagsOf(deps.shards.catalog.control, n).includes(shard));
  return { shard, jobs, dead_lettered: deadLettered, also_in: alsoIn };
}

const jobsIn = (depth: ShardDepth) => Object.values(depth.jobs).reduce((sum, n) => sum + n, 0) + depth.dead_lettered;

/**
 * The shard layouts (QUEUE_SHARDS values) announced, each with its shards' depths and the live processes holding it;
 * workers consume every shard of every one of them. `forgettable`: no live process holds it and every shard that no
 * other layout has is empty, dead-letter queue included.
 */
export async function listShardLayouts(deps: AdminDeps) {
  return deps.withRedis(async () => {
    const [layouts, live] = await Promise.all([deps.shards.layouts.all(), deps.shards.layouts.liveProcesses()]);
    return {
      this_process: deps.shards.catalog.shards,
      layouts: await Promise.all(
        layouts.map(async (layout) => {
          const shards = await Promise.all(shardTagsOf(deps.shards.catalog.control, layout).map((shard) => depthOf(deps, shard, layouts, layout)));
          const holders = live.filter((p) => p.layout === layout);
          const liveProcesses = Object.fromEntries([...new Set(holders.map((p) => p.role))].map((role) => [role, holders.filter((p) => p.role === role).length]));
          const onlyHere = shards.filter((s) => s.also_in.length === 0);
          return {
            shards: layout,
            live_processes: liveProcesses,
            forgettable: holders.length === 0 && onlyHere.every((s) => jobsIn(s) === 0),
            queues: shards,
          };
        }),
      ),
    };
  });
}

/**
 * Forgets a layout once nothing needs it: no live process holds it (every receiver and worker runs another
 * QUEUE_SHARDS, or stopped LIVE_FOR_MS ago), and the shards only it has hold no job, dead letters included (their
 * entries would drop out of the dead-letter list). Workers then stop consuming those shards at their next
 * housekeeping round. Refused (ConflictError) otherwise, changing nothing.
 */
export async function forgetShardLayout(deps: AdminDeps, rawLayout: unknown) {
  const layout = parseInput(layoutNumber, rawLayout, 'shards');
  return deps.withRedis(async () => {
    const layouts = await deps.shards.layouts.all();
    if (!layouts.includes(layout)) throw new NotFoundError(`no layout of ${layout} shards is announced`);
    const onlyHere = shardsOnlyIn(deps.shards.catalog.control, layout, layouts);
    const depths = await Promise.all(onlyHere.map((shard) => depthOf(deps, shard, layouts, layout)));
    const busy = depths.filter((d) => jobsIn(d) > 0);
    if (busy.length > 0) {
      const held = busy.map((d) => `${d.shard}: ${jobsIn(d)}`).join(', ');
      throw new ConflictError(`the layout of ${layout} shards still holds jobs (${held}): let the workers drain them, and replay or purge its dead letters, first`);
    }
    const outcome = await deps.shards.layouts.forget(layout);
    if (outcome === 'unknown') throw new NotFoundError(`no layout of ${layout} shards is announced`);
    if (outcome === 'in_use') {
      throw new ConflictError(
        `a running process still uses the layout of ${layout} shards: restart every receiver and worker with the new QUEUE_SHARDS first (a stopped one counts for ${LIVE_FOR_MS / 1000} s)`,
      );
    }
    return { forgotten: layout, shards_no_longer_consumed: onlyHere };
  });
}

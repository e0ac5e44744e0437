import { connectAdminDeps, type AdminHandle } from '../../helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from '../../helpers/testEnvironment.js';
import type { Answer } from './burst.js';
import { snapshotConversions, verifyScenario, type ScenarioSummary, type Snapshot } from './verify.js';
import { givenWorld, type World, type WorldShape } from './world.js';

export interface Scenario {
  t: TestEnvironment;
  admin: AdminHandle;
  world: World;
  /** The conversions before the burst: where the reference model starts. */
  before: Snapshot;
  verify: (answers: Answer[], startedAt: number, extra?: { injected?: string[] }) => Promise<ScenarioSummary>;
  close: () => Promise<void>;
}

/**
 * A scenario's own database and Redis prefix, its world of advertisers, offers, URLs and conversions, and the
 * plan of its burst. Rate limits are lifted: the scenarios are about faults, not about 429s. `servers` may name
 * servers of the scenario's own: a Postgres, a standalone Redis (redisUrl) or a cluster or sentinels (redisEnv, a
 * redisCluster.ts or redisSentinel.ts fixture's env).
 */
export async function setUpScenario(
  name: string,
  opts: {
    env?: Record<string, string>;
    servers?: { databaseServerUrl?: string; redisUrl?: string; redisEnv?: Record<string, string> };
    shape?: Partial<WorldShape>;
  } = {},
): Promise<Scenario> {
  const tag = `faults_${name.replace(/\W/g, '_')}`;
  const t = await createTestEnvironment(tag, { RATE_LIMIT_PER_KEY: '1000000', ...opts.env }, opts.servers);
  const admin = connectAdminDeps(t.cfg);
  const world = await givenWorld(t.prisma, admin, tag, opts.shape);
  const scenario: Scenario = {
    t,
    admin,
    world,
    before: await snapshotConversions(t.prisma),
    verify: (answers, startedAt, extra = {}) =>
      verifyScenario({
        scenario: name,
        prisma: t.prisma,
        shards: admin.shards.catalog.ownShards().map((tag) => admin.shards.shard(tag)),
        world,
        before: scenario.before,
        answers,
        startedAt,
        ...extra,
      }),
    async close() {
      await admin.close();
      await t.teardown();
    },
  };
  return scenario;
}

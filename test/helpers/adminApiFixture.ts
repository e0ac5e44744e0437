import { afterAll, beforeAll } from 'vitest';
import { createDlqReplays, type DlqReplays } from '../../apps/admin/src/services/dlqReplays.js';
import { connectAdminDeps, serveAdminApi, silent, type AdminHandle } from './pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './testEnvironment.js';

/** A test file's admin API: set by the fixture's beforeAll, torn down by its afterAll. */
export interface AdminApiFixture {
  t: TestEnvironment;
  admin: AdminHandle;
  /** The admin API's base URL. */
  api: string;
  /** The background replays behind the API; set only with `{ replays: true }`. */
  replays: DlqReplays;
}

export interface AdminApiOptions {
  /** Settings for this file's environment, on top of the test defaults. */
  env?: Record<string, string>;
  /** Serve the API with background DLQ replays (closed before the API, as main.ts does). */
  replays?: boolean;
  /** Serve the console from this folder instead of apps/console/dist. */
  consoleDir?: string;
}

/**
 * Registers the beforeAll/afterAll that give a test file its own environment (database and Redis prefix, see
 * createTestEnvironment) and the admin API on a free port with `token`. Call it at the top of the file: hooks
 * the file registers after it run after its beforeAll and before its afterAll, so they can use what it set up.
 */
export function useAdminApi(tag: string, token: string, options: AdminApiOptions = {}): AdminApiFixture {
  const fixture = {} as AdminApiFixture;
  let closeApi: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    fixture.t = await createTestEnvironment(tag, options.env);
    fixture.admin = connectAdminDeps(fixture.t.cfg);
    if (options.replays) fixture.replays = createDlqReplays(fixture.admin, silent());
    const served = await serveAdminApi(fixture.admin, token, {
      ...(options.replays ? { replays: fixture.replays } : {}),
      ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    });
    fixture.api = served.baseUrl;
    closeApi = served.close;
  });
  // Each step only if its part was set up: a failed beforeAll leaves the rest to clean up.
  afterAll(async () => {
    await fixture.replays?.close();
    await closeApi?.();
    await fixture.admin?.close();
    await fixture.t?.teardown();
  });
  return fixture;
}

import { ensureConsoleBuilt } from './helpers/consoleBuild.js';

/**
 * Once before every test file: the admin app serves the built console at /admin/console (503 until it is built), and
 * more than the browser test reaches it (the hostile-input test walks every /admin route), so on a clean clone the
 * build must exist before any of them runs, not only before the browser test.
 */
export default async function setup(): Promise<void> {
  await ensureConsoleBuilt();
}

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault-injection scenarios (test/faults/), one file at a time. Each kills or stops
// processes and servers and sends thousands of postbacks, so they neither share the machine with each other nor
// run in `npm test`.
export default defineConfig({
  resolve: {
    alias: { '@postback/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/summaryTable.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});

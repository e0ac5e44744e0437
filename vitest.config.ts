import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources; the processes they spawn run the built dist/ (npm test builds first).
    alias: { '@postback/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
    // The fault scenarios kill processes and stop servers: they run on their own (npm run test:faults).
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    // Builds the console once if its dist/ is missing or stale (test/globalSetup.ts).
    globalSetup: ['test/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

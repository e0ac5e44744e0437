// Runs `prisma generate` offline, and only when schema.prisma changed since the last run (so `npm run cli`
// prints nothing but its JSON). Prisma 7's CLI only checks that a schema-engine binary exists before generating
// (it never runs it for generate), so when none is configured we point it at the node binary.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const output = 'packages/core/src/generated/prisma';
const stamp = `${output}/.schema-hash`;
const hash = createHash('sha256')
  .update(readFileSync('prisma/schema.prisma'))
  .update(readFileSync('node_modules/prisma/package.json'))
  .digest('hex');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) process.exit(0);

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], {
  stdio: ['ignore', process.stderr, process.stderr],
  env,
});
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, hash);

#!/usr/bin/env node
// `postback <command>` (npx postback, node_modules/.bin/postback): the operators' CLI, apps/admin/dist/cli.js.
// Linked by npm install / npm ci as this workspace's bin. It works before a build: it builds the CLI first when
// dist/cli.js is missing or older than a source it is built from (a fresh clone, a pull, an edit), and only then,
// so a call costs no build. The build writes to stderr: stdout carries the command's JSON and nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'apps/admin/dist/cli.js');
// Written after each build this file runs: tsc -b rewrites only the outputs that changed, so their times say less.
const stamp = join(root, 'apps/admin/dist/.postback-build');
const sources = ['apps/admin/src', 'packages/core/src', 'prisma/schema.prisma'].map((p) => join(root, p));

/** The newest modification time among the files under `path` (generated code excluded: the build writes it). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'generated')
    .reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

function built() {
  if (!existsSync(cli) || !existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs >= Math.max(...sources.map(newestMtime));
}

function build() {
  process.stderr.write('postback: building the CLI (once per change of its sources)…\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const args of [['scripts/prisma-generate.mjs'], [tsc, '-b', 'apps/admin']]) {
    const result = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
    if (result.status !== 0) {
      process.stderr.write(`postback: the build failed (node ${args.join(' ')}); fix it and run again\n`);
      process.exit(1);
    }
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

// Sources absent (a production image ships dist only): run what is there.
if (existsSync(sources[0]) && !built()) build();
await import(pathToFileURL(cli).href);

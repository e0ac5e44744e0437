// Starting, measuring and stopping the processes the benchmark runs against.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Peak resident memory of a process so far, in MB (VmHWM). */
export function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

export async function waitForHttp(url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startExpressFloor() {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL('./expressFloor.mjs', import.meta.url)), [], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  await new Promise((r) => child.once('message', r));
  return { child, url: `http://127.0.0.1:${port}`, stop: () => stop(child) };
}

// Each app runs with the node flags its `npm run start:<app>` gives it (the worker's young generation), as in production.
const NPM_SCRIPTS = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts;
function nodeFlagsOf(app) {
  const script = NPM_SCRIPTS[`start:${app}`];
  if (script === undefined) return [];
  const flags = new RegExp(`node ((?:--\\S+ )*)apps/${app}/dist/main\\.js`).exec(script);
  // A script this cannot read would have the bench measure the app without its production flags: say so instead.
  if (!flags) throw new Error(`bench/services.mjs cannot read the node flags of "npm run start:${app}": ${script}`);
  return flags[1].trim().split(' ').filter(Boolean);
}

/** One of the built apps as its own process; its (JSON) log goes nowhere, but is still written. */
export function startApp(app, env, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeFlagsOf(app), ...nodeArgs, `apps/${app}/dist/main.js`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, stop: () => stop(child) };
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

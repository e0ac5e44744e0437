import { once } from 'node:events';
import { spawnApp, type AppProcess } from '../../helpers/spawnApp.js';
import { freePort } from './ownServers.js';

export interface ReceiverProcess {
  app: AppProcess;
  port: number;
  baseUrl: string;
}

/** A built receiver as its own process on a free port (or the given one, to restart it where it was). */
export async function startReceiverProcess(env: Record<string, string>, port?: number): Promise<ReceiverProcess> {
  const listenOn = port ?? (await freePort());
  const app = spawnApp('receiver', { ...env, PORT: String(listenOn), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  await app.waitForLog((l) => l.msg === 'receiver listening');
  return { app, port: listenOn, baseUrl: `http://127.0.0.1:${listenOn}` };
}

export async function startWorkerProcess(env: Record<string, string>): Promise<AppProcess> {
  const app = spawnApp('worker', { ...env, LOG_LEVEL: 'info' });
  await app.waitForLog((l) => l.msg === 'worker consuming');
  return app;
}

/** SIGKILL: the process gets no chance to finish anything. Resolves once it is gone. */
export async function crash(app: AppProcess): Promise<void> {
  await app.stop('SIGKILL');
}

/** Resolves when the process has exited and everything it printed has been read. */
export async function closed(app: AppProcess): Promise<number | null> {
  if (app.child.exitCode === null && app.child.signalCode === null) await once(app.child, 'close');
  return app.child.exitCode;
}

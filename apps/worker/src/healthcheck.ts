// The worker container's healthcheck (docker-compose.yml): exits 0 when the worker's heartbeat file is fresh.
import { loadConfigOrExit } from '@postback/core';
import { heartbeatIsFresh } from './heartbeat.js';

const cfg = loadConfigOrExit();
if (!cfg.WORKER_HEARTBEAT_FILE) {
  console.error('WORKER_HEARTBEAT_FILE is not set: the worker writes no heartbeat to check');
  process.exit(1);
}
if (!heartbeatIsFresh(cfg.WORKER_HEARTBEAT_FILE, cfg.WORKER_HEARTBEAT_MS)) {
  console.error(`no fresh heartbeat in ${cfg.WORKER_HEARTBEAT_FILE}`);
  process.exit(1);
}

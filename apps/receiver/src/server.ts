import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Config } from '@postback/core';

/**
 * The receiver's listening server: HTTPS with the configured certificate and key when TLS_CERT_FILE and
 * TLS_KEY_FILE are set, plain HTTP otherwise (TLS then ends at a proxy in front). Listens on nothing yet.
 */
export function createReceiverServer(cfg: Pick<Config, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>, app: RequestListener): Server {
  if (cfg.TLS_CERT_FILE === undefined || cfg.TLS_KEY_FILE === undefined) return createHttpServer(app);
  return createHttpsServer({ cert: readFileSync(cfg.TLS_CERT_FILE), key: readFileSync(cfg.TLS_KEY_FILE) }, app);
}

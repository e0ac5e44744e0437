import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Config, Logger } from '@postback/core';
import { answerClientErrors } from './clientErrors.js';
import type { Receiver } from './receiver.js';

type ServerConfig = Pick<
  Config,
  'TLS_CERT_FILE' | 'TLS_KEY_FILE' | 'RECEIVER_HEADERS_TIMEOUT_MS' | 'RECEIVER_REQUEST_TIMEOUT_MS' | 'RECEIVER_KEEP_ALIVE_TIMEOUT_MS'
>;

/**
 * The receiver's listening server: HTTPS with the configured certificate and key when TLS_CERT_FILE and
 * TLS_KEY_FILE are set, plain HTTP otherwise (TLS then ends at a proxy in front). A client slower than the
 * configured timeouts is answered 408, logged and counted (clientErrors.ts). Listens on nothing yet.
 */
export function createReceiverServer(cfg: ServerConfig, receiver: Pick<Receiver, 'app' | 'metrics'>, logger: Logger): Server {
  const options: ServerOptions = {
    headersTimeout: cfg.RECEIVER_HEADERS_TIMEOUT_MS,
    requestTimeout: cfg.RECEIVER_REQUEST_TIMEOUT_MS,
    // Node looks for expired requests this often (30 s by default, which would stretch a 10 s timeout to 40 s).
    connectionsCheckingInterval: Math.min(1000, Math.ceil(cfg.RECEIVER_HEADERS_TIMEOUT_MS / 4)),
  };
  const server =
    cfg.TLS_CERT_FILE === undefined || cfg.TLS_KEY_FILE === undefined
      ? createHttpServer(options, receiver.app)
      : createHttpsServer(
          // A TLS handshake is held to the headers' timeout too (Node's default allows it 120 s).
          { ...options, cert: readFileSync(cfg.TLS_CERT_FILE), key: readFileSync(cfg.TLS_KEY_FILE), handshakeTimeout: cfg.RECEIVER_HEADERS_TIMEOUT_MS },
          receiver.app,
        );
  server.keepAliveTimeout = cfg.RECEIVER_KEEP_ALIVE_TIMEOUT_MS;
  answerClientErrors(server, receiver.metrics, logger);
  return server;
}

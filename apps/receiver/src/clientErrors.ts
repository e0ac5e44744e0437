import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@postback/core';
import { routeOf, type ReceiverMetrics } from './metrics.js';

// Node's own answers to a client it cuts off or cannot parse, as it writes them when nobody listens for
// 'clientError' (lib/_http_server.js): a bare status line, and the connection closed.
const STATUS_LINES: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

const cutOff = new WeakSet<ServerResponse>();

/**
 * Answers what Node refuses before (or while) the app reads a request, as Node would, and logs and counts a request
 * cut off by the headers or request timeout as a 408: taking over 'clientError' is the only way to see it. The app
 * hears of a request cut off mid-body only as an aborted read; `cutOffByServer` tells it that this answer was
 * already given and counted.
 */
export function answerClientErrors(server: Server, metrics: ReceiverMetrics, logger: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // The response of the request being read, if its headers were: Node keeps it on the socket.
    const inFlight = (socket as Partial<{ _httpMessage: ServerResponse | null }>)._httpMessage ?? undefined;
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      const path = inFlight?.req.url?.split('?', 1)[0];
      if (inFlight) cutOff.add(inFlight);
      metrics.answered(path === undefined ? 'other' : routeOf(path), 408);
      // The path only: the query string may hold a key.
      logger.warn(
        { status: 408, method: inFlight?.req.method, path, client: (socket as { remoteAddress?: string }).remoteAddress, waitingFor: inFlight ? 'body' : 'headers' },
        'request timed out',
      );
    }
    // Once an answer has begun, another would corrupt it.
    if (socket.writable && !inFlight?.headersSent) {
      socket.write(`HTTP/1.1 ${STATUS_LINES[err.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy(err);
  });
}

/** Whether the server already answered (408) and counted this request, which the app must then leave alone. */
export function cutOffByServer(res: ServerResponse): boolean {
  return cutOff.has(res);
}

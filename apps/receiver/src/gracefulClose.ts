import type { Server, ServerResponse } from 'node:http';

/**
 * Prepares `server` for the stop a SIGTERM promises: no new connections, no new requests on kept-alive ones,
 * every request already read answered. server.close() alone only stops listening: a client that keeps its
 * keep-alive connections busy (a tracker in a burst) goes on being served until the shutdown timeout, and the
 * forced exit then cuts off whatever was in flight.
 * Returns close(), which resolves once the last connection has ended.
 */
export function gracefulClose(server: Server): () => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  // Ahead of the app's own listener, so the header is set before any handler answers.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (closing) {
      res.setHeader('Connection', 'close');
      return;
    }
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  return () =>
    new Promise<void>((resolve) => {
      closing = true;
      // Answers not yet written end their connection; those already on their way leave it idle, and idle
      // connections are closed until none is left.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearInterval(sweep);
        resolve();
      });
    });
}

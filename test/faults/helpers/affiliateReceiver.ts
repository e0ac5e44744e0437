import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface AffiliateReceiver {
  /** http://127.0.0.1:<port>: an affiliate postback's URL template starts with it (OUTBOUND_ALLOW_PRIVATE=true). */
  baseUrl: string;
  /** Every request received so far, in order. */
  received: ReceivedRequest[];
  close: () => Promise<void>;
}

/** An affiliate's server on loopback, listening before the test begins: answers 200 to everything and records it. */
export async function startAffiliateReceiver(): Promise<AffiliateReceiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

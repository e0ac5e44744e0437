import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a real server, to take it "down" for one client without touching the server itself:
 * cut() drops every connection and refuses new ones, restore() accepts again on the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private targetHost: string,
    private targetPort: number,
  ) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        // Forward each write at once: with Nagle's algorithm, a small request-reply exchange (a replica's
        // acknowledgment) waits out the peer's delayed ACK at every hop.
        s.setNoDelay(true);
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * New connections go to another server; those open stay with the old one, as when a managed service's endpoint
   * name moves to a new primary and connected clients keep their sockets.
   */
  retarget(host: string, port: number): void {
    this.targetHost = host;
    this.targetPort = port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }

  restore(): Promise<void> {
    return this.start();
  }
}

import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are over a fresh TCP connection and reads the answer until the server closes it, so a test
 * can send what no HTTP client would (raw control characters, invalid UTF-8, broken framing). The request should
 * ask for `Connection: close`; the server's own parser errors close the connection anyway.
 */
export function sendRaw(port: number, request: Buffer | string, timeoutMs = 5000, trickle?: Trickle): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const bytes = typeof request === 'string' ? Buffer.from(request) : request;
    // With `trickle`: the first bytes at once, then one byte at a time, for as long as the server listens.
    let at = trickle?.from ?? bytes.length;
    socket.write(bytes.subarray(0, at));
    const dripping = trickle && setInterval(() => {
      if (at < bytes.length && socket.writable) socket.write(bytes.subarray(at, (at += 1)));
    }, trickle.everyMs);
    const timer = setTimeout(() => {
      clearInterval(dripping);
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 200))}`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    // The server may close while we are still writing a body it refused: that is an answer, not a failure.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      clearInterval(dripping);
      const raw = Buffer.concat(chunks).toString('latin1');
      const head = raw.indexOf('\r\n\r\n');
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(raw);
      if (head < 0 || !match) return reject(new Error(`no HTTP answer (${JSON.stringify(raw.slice(0, 200))})`));
      const headers: Record<string, string> = {};
      for (const line of raw.slice(0, head).split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const body = raw.slice(head + 4);
      resolve({ status: Number(match[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? dechunk(body) : body });
    });
  });
}

/** Sends a request slowly: its first `from` bytes at once, then one byte every `everyMs`. */
export interface Trickle {
  from: number;
  everyMs: number;
}

function dechunk(body: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const eol = body.indexOf('\r\n', at);
    const size = parseInt(body.slice(at, eol), 16);
    if (eol < 0 || !(size > 0)) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A logger whose lines the test reads back, parsed: what an app wrote, and nothing written to stdout. */
export function capturedLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (chunks.push(String(chunk)), cb()) });
  return {
    logger: pino({ level: 'info' }, sink),
    raw: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

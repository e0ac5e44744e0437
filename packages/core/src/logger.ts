import { pino, type Logger } from 'pino';

export type { Logger };

/** One JSON logger per process. Keys are never logged: see the redaction paths. */
export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['key', '*.key', 'req.query.key', 'req.headers.authorization'], censor: '[redacted]' },
  });
}

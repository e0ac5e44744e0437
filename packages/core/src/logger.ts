import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /**
   * Write log lines in 4 kB batches instead of one write() per line. For hot paths (the receiver's access log);
   * call logger.flush() before exiting.
   */
  buffered?: boolean;
}

/** One JSON logger per process, to stdout. Keys are never logged: see the redaction paths. */
export function createLogger(name: string, level: string, options: LoggerOptions = {}): Logger {
  const destination = options.buffered ? pino.destination({ dest: 1, sync: false, minLength: 4096 }) : undefined;
  return pino(
    {
      name,
      level,
      redact: { paths: ['key', '*.key', 'req.query.key', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

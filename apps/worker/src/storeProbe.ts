import pg from 'pg';
import { isStoreUnreachable } from '@postback/core';

const PROBE_TIMEOUT_MS = 2000;
const REMEMBER_MS = 250;

/**
 * Answers "is Postgres unreachable?" after a failure. The error itself tells when it carries a socket code or
 * SQLSTATE; otherwise a fresh connection is tried. The answer is shared for a moment, so that the jobs of one
 * failed batch cost one probe, not hundreds.
 */
export function createStoreProbe(databaseUrl: string): (err: unknown) => Promise<boolean> {
  let last: { at: number; unreachable: Promise<boolean> } | undefined;
  const probe = async (): Promise<boolean> => {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return false;
    } catch {
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return async (err) => {
    if (isStoreUnreachable(err)) return true;
    if (!last || Date.now() - last.at > REMEMBER_MS) last = { at: Date.now(), unreachable: probe() };
    return last.unreachable;
  };
}

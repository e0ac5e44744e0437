// Telling "Postgres is unreachable" (wait, spend no attempt) from "this statement failed" (retry with backoff).
// Prisma's driver adapter wraps pg errors; we look through the cause chain for either a socket error code or a
// Postgres SQLSTATE, never at message text. Some failures carry neither (a connection that dropped mid-query
// surfaces as a bare Error): for those the worker asks the database itself (see storeProbe.ts in the worker).

const UNREACHABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

// Class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now),
// 53300 (too many connections).
const UNREACHABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
// Prisma's own codes for "cannot reach", "timed out", "closed the connection", "pool timeout".
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// Adapter error kinds (Prisma 7 driver adapters) for the same situations.
const UNREACHABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseDoesNotExist',
]);

export function isStoreUnreachable(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (UNREACHABLE_SOCKET_CODES.has(code) || UNREACHABLE_SQLSTATE.test(code))) return true;
    if (code && UNREACHABLE_PRISMA_CODES.has(code)) return true;
    const kind = typeof e.kind === 'string' ? e.kind : undefined;
    if (kind && UNREACHABLE_ADAPTER_KINDS.has(kind)) return true;
    const originalCode = typeof e.originalCode === 'string' ? e.originalCode : undefined;
    if (originalCode && UNREACHABLE_SQLSTATE.test(originalCode)) return true;
  }
  return false;
}

type Inspectable = Record<string, unknown> & { message?: unknown };

function* causeChain(err: unknown): Generator<Inspectable> {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as Inspectable;
    yield e;
    if (e.errors && Array.isArray(e.errors)) for (const inner of e.errors) yield* causeChain(inner);
    current = e.cause;
  }
}

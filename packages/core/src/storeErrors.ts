// Telling "Postgres is unreachable" (wait, spend no attempt) from "this statement failed" (retry with backoff)
// from "Postgres refuses this data" (dead-letter at once). Prisma's driver adapter wraps pg errors: a raw query's
// PrismaClientKnownRequestError (P2010) has no cause, it keeps the adapter's error in meta.driverAdapterError,
// whose cause holds the SQLSTATE as originalCode (and as code only when kind is 'postgres'). We look through that
// chain for either a socket error code or a Postgres SQLSTATE, never at message text. Some failures carry neither (a connection that dropped mid-query
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

// Class 22 (data exception) and 23 (integrity constraint violation): the same statement on the same data fails
// the same way on every retry.
const REFUSED_DATA_SQLSTATE = /^2[23]...$/;

/** The SQLSTATE of a statement Postgres refused, wherever the driver adapter put it. */
export function sqlStateOf(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    if (typeof e.originalCode === 'string' && /^[0-9A-Z]{5}$/.test(e.originalCode)) return e.originalCode;
    // A pg DatabaseError straight from the driver (no adapter around it).
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string') return e.code;
  }
  return undefined;
}

/** Postgres refused the data itself (a constraint or a data exception): retrying cannot help. */
export function isRefusedData(err: unknown): boolean {
  return REFUSED_DATA_SQLSTATE.test(sqlStateOf(err) ?? '');
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
    const meta = e.meta as Inspectable | undefined;
    if (meta && typeof meta === 'object' && meta.driverAdapterError) yield* causeChain(meta.driverAdapterError);
    current = e.cause;
  }
}

/**
 * The delivery log's opaque cursor: base64url of the last attempt's id (a bigint, as its decimal string). A key, not
 * an offset: attempts the workers record while an operator pages shift nothing.
 */
export function encodeDeliveryCursor(id: bigint): string {
  return Buffer.from(JSON.stringify([id.toString()])).toString('base64url');
}

const ID = /^[1-9]\d{0,18}$/;
const BIGINT_MAX = 2n ** 63n - 1n;

/** The id a cursor names, or undefined if it is not one encodeDeliveryCursor made. */
export function decodeDeliveryCursor(cursor: string): bigint | undefined {
  if (!/^[\w-]+$/.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 1 || typeof decoded[0] !== 'string' || !ID.test(decoded[0])) return undefined;
  const id = BigInt(decoded[0]);
  return id <= BIGINT_MAX ? id : undefined;
}

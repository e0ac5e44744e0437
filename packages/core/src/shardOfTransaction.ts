// FNV-1a, 32 bits: small, fast, and the same in any language, so an operator (or another service) can tell which
// shard holds a transaction's postbacks without this code. Its low bits mix well enough for a modulo.
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) of a text's UTF-8 bytes, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // Transaction ids are ASCII nearly always: their bytes are their char codes, with no encoding step.
    if (code >= 0x80) return fnv1a32Bytes(Buffer.from(text, 'utf8'));
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  return hash >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME);
  return hash >>> 0;
}

/**
 * The shard (0 … shards-1) every postback of a transaction goes to: FNV-1a (32-bit) of the transaction id's UTF-8
 * bytes, modulo the number of shards. One conversion's postbacks therefore share a shard under one layout.
 */
export function shardOfTransaction(transactionId: string, shards: number): number {
  return shards === 1 ? 0 : fnv1a32(transactionId) % shards;
}

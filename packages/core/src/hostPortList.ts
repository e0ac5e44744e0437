/** One server's address, as REDIS_CLUSTER_NODES and REDIS_SENTINELS list them. */
export interface HostPort {
  host: string;
  port: number;
}

// host:port, or [ipv6]:port; a host is a name or an address, never empty, never with spaces or a scheme.
const ENTRY = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/;

/**
 * Reads a comma-separated `host:port,host:port` list. Returns the first entry that is not a host:port, so that the
 * configuration error can name it (a missing port, a stray scheme, a port out of range, an empty entry).
 */
export function parseHostPortList(text: string): { nodes: HostPort[] } | { bad: string } {
  const nodes: HostPort[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    const match = ENTRY.exec(entry);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535) return { bad: entry };
    nodes.push({ host: (match[1] ?? match[2])!, port });
  }
  return { nodes };
}

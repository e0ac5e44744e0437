// The end-to-end burst: a fixed number of postbacks through the receiver while the worker runs, every
// acknowledged one looked up in postback_log afterwards.
import { burst } from './load.mjs';
import { waitFor } from './drain.mjs';

const LOOKUP_CHUNK = 100_000;

/**
 * Sends `amount` postbacks at full speed over `connections` connections and waits until the queue holds nothing
 * left to apply. Returns what was sent and acknowledged, how many acknowledged ids postback_log holds, the seconds
 * the receiver needed to answer them all and the seconds from the first request until all were applied.
 */
export async function endToEnd({ url, connections, amount, next, queue, db }) {
  const start = performance.now();
  const since = new Date();
  const { result, acknowledged } = await burst({ url, connections, amount, next });
  const ackSeconds = (performance.now() - start) / 1000;
  // A job leaves the queue only once its transaction committed (or it failed for good, and its postbacks are
  // then missing below): an empty queue means everything acknowledged has been dealt with.
  await waitFor(async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children');
    return Object.values(counts).every((n) => n === 0);
  }, 1_800_000, 100);
  const allAppliedSeconds = (performance.now() - start) / 1000;
  let applied = 0;
  for (let i = 0; i < acknowledged.length; i += LOOKUP_CHUNK) {
    // Joined with received_at bounded, so a partitioned log is searched only in the partitions of the burst.
    const { rows } = await db.query(
      `SELECT count(*) AS n FROM postback_log p JOIN unnest($1::uuid[]) AS a(id) ON p.postback_id = a.id
       WHERE p.received_at >= $2`,
      [acknowledged.slice(i, i + LOOKUP_CHUNK), since.toISOString()],
    );
    applied += Number(rows[0].n);
  }
  return {
    sent: result.requests.total,
    acked: acknowledged.length,
    applied,
    lost: acknowledged.length - applied,
    ackSeconds,
    allAppliedSeconds,
  };
}

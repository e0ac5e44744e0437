// Retention at size: the core's own retention, run so that exactly the oldest pre-filled day is past it.
import { createPrisma, pruneOptionsOf, prunePostbackLog } from '@postback/core';

const DAY_MS = 86_400_000;

/**
 * Runs retention as the worker's schedule runs it (the configured retention: day partitions past it dropped,
 * the default and legacy partitions pruned row by row), at a "now" that puts the cutoff at the end of `oldestDay` (a UTC midnight). Returns
 * the seconds it took and the rows it removed.
 */
export async function retainOldestDay(databaseUrl, cfg, oldestDay) {
  const prisma = createPrisma(databaseUrl, 2);
  try {
    const now = new Date(oldestDay.getTime() + (cfg.POSTBACK_LOG_RETENTION_DAYS + 1) * DAY_MS);
    // Connected first, as the worker's client is: the figure is the retention's, not a connection's.
    const countLog = async () => Number((await prisma.$queryRaw`SELECT count(*) AS n FROM postback_log`)[0].n);
    const before = await countLog();
    const start = performance.now();
    const result = await prunePostbackLog(prisma, { ...pruneOptionsOf(cfg), now });
    const seconds = (performance.now() - start) / 1000;
    // Rows deleted one by one and rows that left with a dropped day partition alike.
    return { seconds, rows: before - (await countLog()), droppedPartitions: result.dropped_partitions?.length ?? 0 };
  } finally {
    await prisma.$disconnect();
  }
}

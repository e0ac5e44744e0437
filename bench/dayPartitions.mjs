// Day partitions for the pre-fill, when postback_log is partitioned by received_at; a plain table needs none.
import { createPrisma, maintainPostbackLog, maintenanceOptionsOf } from '@postback/core';

const DAY_MS = 86_400_000;

/** Whether postback_log is a partitioned table (relkind 'p') rather than a plain one ('r'). */
export async function isPartitioned(db) {
  const { rows } = await db.query("SELECT relkind FROM pg_class WHERE oid = 'postback_log'::regclass");
  return rows[0].relkind === 'p';
}

/**
 * Creates postback_log_pYYYYMMDD for each UTC day (a Date at its midnight) that no partition covers yet, and
 * returns how many it created. A day some other partition already covers (a legacy one, a wider range) is left
 * to it, so the pre-fill lands where the live table would put it.
 */
export async function ensureDayPartitions(db, days) {
  if (!(await isPartitioned(db))) return 0;
  const { rows } = await db.query(
    `WITH bounds AS (
       SELECT coalesce((regexp_match(b, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz, '-infinity') AS lo,
              coalesce((regexp_match(b, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz, 'infinity') AS hi
       FROM (SELECT pg_get_expr(c.relpartbound, c.oid) AS b
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'postback_log'::regclass) AS p
       WHERE b <> 'DEFAULT')
     SELECT d FROM unnest($1::timestamptz[]) AS d
     WHERE NOT EXISTS (SELECT 1 FROM bounds WHERE lo < d + interval '1 day' AND hi > d)`,
    [days.map((d) => d.toISOString())],
  );
  for (const { d } of rows) {
    const from = new Date(d);
    const to = new Date(from.getTime() + DAY_MS);
    const name = `postback_log_p${from.toISOString().slice(0, 10).replaceAll('-', '')}`;
    await db.query(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF postback_log
       FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
    );
  }
  return rows.length;
}

/**
 * The log as it is once the worker's maintenance has run on a fresh install: the migration's empty legacy partition
 * (the table from before partitioning, which covers up to the day after tomorrow) dropped, and today and the days
 * ahead in partitions of their own. Run before anything is written, so every phase measures the partitioned log.
 */
export async function maintainedLog(databaseUrl, cfg) {
  const prisma = createPrisma(databaseUrl, 1);
  try {
    return await maintainPostbackLog(prisma, maintenanceOptionsOf(cfg));
  } finally {
    await prisma.$disconnect();
  }
}

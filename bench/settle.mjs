/**
 * Settles the database before a measured phase: what the phase before left for autovacuum is vacuumed now rather
 * than during the measurement, and a checkpoint writes out what it left dirty, so every measured phase starts from the
 * same state (no checkpoint of an earlier phase's writes spread over it, every page's first write after a
 * checkpoint paid alike). A production database that filled up over months carries neither debt.
 */
export async function settle(db, tables = []) {
  if (tables.length > 0) await db.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
  await db.query('CHECKPOINT');
}

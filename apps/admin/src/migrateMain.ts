import { fileURLToPath } from 'node:url';
import { loadConfigOrExit, migrate } from '@postback/core';

// Applies prisma/migrations to DATABASE_URL (npm run db:migrate; the compose stack's one-shot `migrate`).
const cfg = loadConfigOrExit();
const dir = cfg.MIGRATIONS_DIR ?? fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
try {
  const applied = await migrate(cfg.DATABASE_URL, dir);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} catch (err) {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
}

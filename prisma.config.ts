import { defineConfig } from 'prisma/config';

// The CLI's view of the project. The apps never read this file: they build their client from DATABASE_URL
// through @prisma/adapter-pg (packages/core/src/db.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});

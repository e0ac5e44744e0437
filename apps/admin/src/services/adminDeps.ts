import type { Config, DeadLetterQueue, KeyRegistry, PostbackQueue, PrismaClient } from '@postback/core';

/** What every admin operation may need; built once in main.ts (or by a test) and passed in. */
export interface AdminDeps {
  prisma: PrismaClient;
  registry: KeyRegistry;
  queue: PostbackQueue;
  deadLetters: DeadLetterQueue;
  cfg: Pick<Config, 'PUBLIC_BASE_URL' | 'JOB_ATTEMPTS' | 'JOB_BACKOFF_MS'>;
}

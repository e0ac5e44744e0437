import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEndpointKey, hashEndpointKey } from '@postback/core';
import { givenOffer, givenRejectionUrl } from './helpers/fixtures.js';
import { connectAdminDeps, type AdminHandle } from './helpers/pipeline.js';
import { createTestEnvironment, type TestEnvironment } from './helpers/testEnvironment.js';

let t: TestEnvironment;
let admin: AdminHandle;

beforeAll(async () => {
  t = await createTestEnvironment('endpoint_keys');
  admin = connectAdminDeps(t.cfg);
});

afterAll(async () => {
  await admin?.close();
  await t?.teardown();
});

describe('endpoint keys', () => {
  it('are 256 random bits, URL-safe, and never repeat', () => {
    const keys = Array.from({ length: 10_000 }, generateEndpointKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys.slice(0, 100)) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    }
    // Every bit position varies across keys: no fixed or biased bits (each is set in 40–60 % of 10,000 keys).
    const setCounts = new Array<number>(256).fill(0);
    for (const key of keys) {
      const bytes = Buffer.from(key, 'base64url');
      for (let bit = 0; bit < 256; bit++) setCounts[bit]! += (bytes[bit >> 3]! >> (bit & 7)) & 1;
    }
    expect(Math.min(...setCounts)).toBeGreaterThan(4000);
    expect(Math.max(...setCounts)).toBeLessThan(6000);
  });

  it('are stored nowhere, in no column of any table and in no Redis key: only their SHA-256 is', async () => {
    const offer = await givenOffer(t.prisma);
    const urls = [await givenRejectionUrl(admin, { offerId: offer.id }), await givenRejectionUrl(admin, { advertiserId: offer.advertiserId })];
    const columns = await t.prisma.$queryRaw<Array<{ table_name: string; column_name: string }>>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`;
    expect(columns.length).toBeGreaterThan(10);
    const holding = async (needle: string) => {
      const found: string[] = [];
      for (const { table_name, column_name } of columns) {
        const [row] = await t.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
          `SELECT count(*) AS n FROM "${table_name}" WHERE strpos("${column_name}"::text, $1) > 0`,
          needle,
        );
        if (row!.n > 0n) found.push(`${table_name}.${column_name}`);
      }
      return found;
    };
    for (const { key } of urls) {
      expect(await holding(key)).toEqual([]);
      // The search itself works: the key's hash is found, where it belongs.
      expect(await holding(hashEndpointKey(key))).toEqual(['rejection_endpoints.key_hash']);
    }

    const redis = new Redis(t.cfg.REDIS_URL!);
    try {
      const names = await redis.keys(`${t.cfg.QUEUE_PREFIX}*`);
      const contents: string[] = [...names];
      for (const name of names) {
        const type = await redis.type(name);
        if (type === 'hash') contents.push(...Object.entries(await redis.hgetall(name)).flat());
        if (type === 'set') contents.push(...(await redis.smembers(name)));
        if (type === 'string') contents.push((await redis.get(name)) ?? '');
      }
      const everything = contents.join('\n');
      for (const { key } of urls) {
        expect(everything).not.toContain(key);
        expect(everything).toContain(hashEndpointKey(key));
      }
    } finally {
      redis.disconnect();
    }
  });
});

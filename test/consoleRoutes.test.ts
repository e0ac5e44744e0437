import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_SECURITY, registerConsole } from '../apps/admin/src/dashboard/consoleRoutes.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { serve } from './helpers/pipeline.js';

const TOKEN = 'console-routes-token-0123456789';
const INDEX = '<!doctype html><title>console</title><script type="module" src="/admin/console/assets/index-abc123.js"></script>';
const bearer = { authorization: `Bearer ${TOKEN}` };

// A stand-in for apps/console/dist: what is tested here is how the admin app serves a build, not the build.
const built = await mkdtemp(join(tmpdir(), 'pp-console-'));
const served = useAdminApi('console_routes', TOKEN, { consoleDir: built });
let api: string;

beforeAll(async () => {
  await mkdir(join(built, 'assets'));
  await writeFile(join(built, 'index.html'), INDEX);
  await writeFile(join(built, 'assets', 'index-abc123.js'), 'console.log("console")');
  ({ api } = served);
});

afterAll(async () => {
  await rm(built, { recursive: true, force: true });
});

describe('the console at /admin/console', () => {
  it('sends a browser without a session to the login form, which comes back to the page asked for', async () => {
    const res = await fetch(`${api}/admin/console/offers/7/rejection`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fconsole%2Foffers%2F7%2Frejection');
  });

  it('answers index.html for the console itself and any page under it (deep links), revalidated each time', async () => {
    for (const path of ['/admin/console', '/admin/console/', '/admin/console/offers/7/rejection', '/admin/console/log?outcome=rejected']) {
      const res = await fetch(`${api}${path}`, { headers: bearer });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text(), path).toBe(INDEX);
    }
  });

  it('serves hashed assets with a year-long immutable cache, and a 404 (never index.html) for a missing one', async () => {
    const asset = await fetch(`${api}/admin/console/assets/index-abc123.js`, { headers: bearer });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${api}/admin/console/assets/index-old999.js`, { headers: bearer });
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<!doctype');
  });

  it('sends the strict CSP on every console response', async () => {
    for (const path of ['/admin/console/advertisers', '/admin/console/assets/index-abc123.js', '/admin/console/assets/nope.css']) {
      const csp = (await fetch(`${api}${path}`, { headers: bearer })).headers.get('content-security-policy');
      expect(csp, path).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; " +
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
    }
  });

  it('sends the old dead-letter console address to the console’s dead-letter page', async () => {
    const res = await fetch(`${api}/admin/dlq/console`, { headers: bearer, redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/admin/console/dead-letters');
  });
});

it('answers 503 saying to run the build when the console has not been built', async () => {
  const app = express();
  registerConsole(app, join(built, 'not-built'));
  const { server, baseUrl } = await serve(app);
  try {
    const res = await fetch(`${baseUrl}/admin/console/reports`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_SECURITY);
    expect(await res.text()).toContain('run `npm run build`');
  } finally {
    await new Promise((r) => server.close(r));
  }
});

import { beforeAll, describe, expect, it } from 'vitest';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenDeadLetter } from './helpers/deadLetterFixtures.js';
import { onlyShard, type AdminHandle } from './helpers/pipeline.js';
import type { TestEnvironment } from './helpers/testEnvironment.js';

const TOKEN = 'queue-dashboard-token-0123456789';
const served = useAdminApi('queue_dashboard', TOKEN);
let t: TestEnvironment;
let admin: AdminHandle;
let api: string;

beforeAll(() => {
  ({ t, admin, api } = served);
});

const board = (method: string, path: string, body?: unknown) =>
  fetch(`${api}/admin/queues/api/queues/${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the bull-board dashboard', () => {
  it('shows the dead-letter queue but refuses every change to it: replay and purge go through the console', async () => {
    const id = await givenDeadLetter(onlyShard(admin).deadLetters, { errorKind: '23514' });
    const before = (await onlyShard(admin).deadLetters.getJob(id))!.data;
    const queue = encodeURIComponent(t.cfg.DEAD_LETTER_QUEUE_NAME);

    const listed = await board('GET', '');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain(t.cfg.DEAD_LETTER_QUEUE_NAME);

    const changes: Array<[string, string, unknown?]> = [
      ['PUT', `${queue}/empty`],
      ['PUT', `${queue}/obliterate`],
      ['PUT', `${queue}/clean/waiting`],
      ['PUT', `${queue}/clean/failed`],
      ['PUT', `${queue}/pause`],
      ['POST', `${queue}/add`, { name: 'dead', data: {} }],
      ['PUT', `${queue}/${id}/clean`],
      ['PUT', `${queue}/${id}/retry`],
      ['PATCH', `${queue}/${id}/update-data`, { jobData: { edited: true } }],
    ];
    for (const [method, path, body] of changes) {
      const res = await board(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(405);
    }

    expect((await onlyShard(admin).deadLetters.getJob(id))?.data).toEqual(before);
    expect(await onlyShard(admin).deadLetters.count()).toBe(1);
    expect(await onlyShard(admin).deadLetters.isPaused()).toBe(false);
  });
});

/** The sources a CSP allows for one kind of request: its own directive, else default-src. */
function allowed(csp: string | null, directive: string): string[] {
  const directives = new Map((csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
  return directives.get(directive) ?? directives.get('default-src') ?? ['*'];
}

describe('the dashboard pages', () => {
  it('serve bull-board with no link to another origin and a CSP that keeps fonts and styles on this one', async () => {
    const page = await fetch(`${api}/admin/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('static/js/');
    // Every src and href is relative: nothing (Google Fonts, a CDN) is fetched from elsewhere.
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter((url) => /^(?:[a-z][\w+.-]*:)?\/\//i.test(url))).toEqual([]);
    const csp = page.headers.get('content-security-policy');
    expect(allowed(csp, 'font-src')).toEqual(["'self'"]);
    expect(allowed(csp, 'style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(allowed(csp, 'script-src')).toEqual(["'self'"]);
    expect(allowed(csp, 'connect-src')).toEqual(["'self'"]);
  });

  // The console's own CSP is checked in test/consoleRoutes.test.ts.
  it('serve the login page with a CSP that allows no font or style from elsewhere', async () => {
    const pages = [await fetch(`${api}/admin/login`)];
    for (const page of pages) {
      expect(page.status, page.url).toBe(200);
      const csp = page.headers.get('content-security-policy');
      for (const directive of ['font-src', 'style-src', 'script-src', 'connect-src']) {
        expect(allowed(csp, directive).filter((source) => !["'self'", "'none'", "'unsafe-inline'"].includes(source)), `${page.url} ${directive}`).toEqual([]);
      }
    }
  });
});

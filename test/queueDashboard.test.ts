import { beforeAll, describe, expect, it } from 'vitest';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenDeadLetter } from './helpers/deadLetterFixtures.js';
import type { AdminHandle } from './helpers/pipeline.js';
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
    const id = await givenDeadLetter(admin.deadLetters, { errorKind: '23514' });
    const before = (await admin.deadLetters.getJob(id))!.data;
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

    expect((await admin.deadLetters.getJob(id))?.data).toEqual(before);
    expect(await admin.deadLetters.count()).toBe(1);
    expect(await admin.deadLetters.isPaused()).toBe(false);
  });
});

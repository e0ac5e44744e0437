import { beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, expectDocumented } from './helpers/adminApiCalls.js';
import { useAdminApi } from './helpers/adminApiFixture.js';
import { givenOffer } from './helpers/fixtures.js';

// The admin side of rejection-rate alert rules (test/alertRules.test.ts is about the Prometheus rules).
const TOKEN = 'alert-rules-admin-token-0123456789';
const fixture = useAdminApi('alert_rules_api', TOKEN);
const call = adminCaller(() => fixture.api, TOKEN);

let offerId: number;
let advertiserId: number;
beforeAll(async () => {
  const offer = await givenOffer(fixture.t.prisma);
  offerId = offer.id;
  advertiserId = offer.advertiserId;
});

const onOffer = () => ({ offer_id: offerId, window_minutes: 60, min_conversions: 50, max_rejection_rate_percent: 30, webhook_url: 'https://hooks.example/T/B/x' });

describe('POST /admin/alert-rules', () => {
  it("creates a rule on an offer in state ok, never evaluated yet, and one on an advertiser's conversions", async () => {
    const created = await call('POST', '/admin/alert-rules', onOffer());
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number), advertiser_id: null, offer_id: offerId, window_minutes: 60, min_conversions: 50, max_rejection_rate_percent: 30,
      webhook_url: 'https://hooks.example/T/B/x', notify_resolved: false, state: 'ok', last_conversions: null, last_rejected: null,
      last_evaluated_at: null, state_changed_at: null, created_at: expect.any(String),
    });
    expectDocumented('post', '/admin/alert-rules', 201, created.body);

    const { offer_id: _, ...rest } = onOffer();
    const onAdvertiser = await call('POST', '/admin/alert-rules', { ...rest, advertiser_id: advertiserId, max_rejection_rate_percent: 12.345, notify_resolved: true });
    expect(onAdvertiser).toMatchObject({ status: 201, body: { advertiser_id: advertiserId, offer_id: null, notify_resolved: true, max_rejection_rate_percent: 12.35 } });
  });

  it.each([
    [{ advertiser_id: 1 }, undefined, 'exactly one'],
    [{ offer_id: undefined }, undefined, 'exactly one'],
    [{ window_minutes: 0 }, 'window_minutes', '1 to 10080'],
    [{ window_minutes: 10_081 }, 'window_minutes', '1 to 10080'],
    [{ min_conversions: 0 }, 'min_conversions', 'whole number'],
    [{ max_rejection_rate_percent: 100.5 }, 'max_rejection_rate_percent', '0 to 100'],
    [{ max_rejection_rate_percent: -1 }, 'max_rejection_rate_percent', '0 to 100'],
    [{ max_rejection_rate_percent: 'lots' }, 'max_rejection_rate_percent', '0 to 100'],
    [{ webhook_url: 'hooks.example/x' }, 'webhook_url', 'http:// or https://'],
    [{ webhook_url: 'file:///etc/passwd' }, 'webhook_url', 'http:// or https://'],
    [{ notify_resolved: 'yes' }, 'notify_resolved', 'true or false'],
    [{ notify_resolve: true }, undefined, 'notify_resolve'],
  ])('answers %j with a 400 naming %s, and creates nothing', async (change, field, words) => {
    const before = await fixture.t.prisma.alertRule.count();
    const refused = await call('POST', '/admin/alert-rules', { ...onOffer(), ...change });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe(field);
    expect(refused.body.error).toContain(words);
    expect(await fixture.t.prisma.alertRule.count()).toBe(before);
  });

  it('answers an offer or an advertiser that does not exist with a 404 naming it', async () => {
    expect(await call('POST', '/admin/alert-rules', { ...onOffer(), offer_id: 2_000_000_000 })).toEqual({ status: 404, body: { error: 'offer 2000000000 not found' } });
    const { offer_id: _, ...rest } = onOffer();
    expect(await call('POST', '/admin/alert-rules', { ...rest, advertiser_id: 2_000_000_000 })).toEqual({
      status: 404, body: { error: 'advertiser 2000000000 not found' },
    });
  });
});

describe('an alert rule after it was created', () => {
  it('is listed and shown, then deleted with a 204 and gone from both; both changes audited', async () => {
    const id = Number((await call('POST', '/admin/alert-rules', onOffer(), { 'x-operator': 'carol' })).body.id);
    const shown = await call('GET', `/admin/alert-rules/${id}`);
    expect(shown).toMatchObject({ status: 200, body: { id, state: 'ok' } });
    expectDocumented('get', '/admin/alert-rules/:id', 200, shown.body);
    const listed = await call('GET', `/admin/alert-rules?offer_id=${offerId}&limit=1000`);
    expectDocumented('get', '/admin/alert-rules', 200, listed.body);
    expect((listed.body.alert_rules as Array<{ id: number }>).map((r) => r.id)).toContain(id);

    expect(await call('DELETE', `/admin/alert-rules/${id}`, undefined, { 'x-operator': 'carol' })).toEqual({ status: 204, body: {} });
    expect(await call('GET', `/admin/alert-rules/${id}`)).toEqual({ status: 404, body: { error: `alert rule ${id} not found` } });
    expect(((await call('GET', '/admin/alert-rules?limit=1000')).body.alert_rules as Array<{ id: number }>).map((r) => r.id)).not.toContain(id);
    expect((await call('DELETE', `/admin/alert-rules/${id}`)).status).toBe(404);

    const audit = (await call('GET', '/admin/audit?operator=carol')).body.audit as Array<{ action: string; target: string; details: unknown }>;
    expect(audit.map((a) => [a.action, a.target])).toEqual([['alert_rule.delete', String(id)], ['alert_rule.create', String(id)]]);
    // The webhook URL is a secret of its own (a Slack incoming webhook): not in the audit trail.
    expect(JSON.stringify(audit)).not.toContain('hooks.example');
  });

  it('pages through the rules oldest first and refuses bad filters', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(Number((await call('POST', '/admin/alert-rules', { ...onOffer(), window_minutes: 5 + i })).body.id));
    const all = (await fixture.t.prisma.alertRule.findMany({ where: { deletedAt: null }, orderBy: { id: 'asc' } })).map((r) => r.id);
    const seen: number[] = [];
    let cursor: unknown = null;
    do {
      const page = await call('GET', `/admin/alert-rules?limit=2${cursor ? `&cursor=${String(cursor)}` : ''}`);
      seen.push(...(page.body.alert_rules as Array<{ id: number }>).map((r) => r.id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(await call('GET', '/admin/alert-rules?state=loud')).toMatchObject({ status: 400, body: { field: 'state' } });
    expect(await call('GET', '/admin/alert-rules/0')).toMatchObject({ status: 400, body: { field: 'id' } });
  });
});

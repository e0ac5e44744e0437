import { describe, expect, it } from 'vitest';
import { macroValuesOf, renderNotification, type NotificationFacts } from './renderNotification.js';

const facts: NotificationFacts = {
  transactionId: 'tx 1&2',
  status: 'rejected',
  rejectedReason: 'said "no"',
  previousStatus: 'approved',
  previousReason: null,
  payout: '12.5000',
  offerId: 7,
  publisherId: 3,
  subId: 'a/b',
  changedAt: new Date('2026-12-03T10:00:00.123Z'),
};
const values = macroValuesOf(facts);

describe('macroValuesOf', () => {
  it('gives every macro as text, changed_at in ISO 8601 UTC with milliseconds', () => {
    expect(values).toEqual({
      transaction_id: 'tx 1&2',
      status: 'rejected',
      previous_status: 'approved',
      rejected_reason: 'said "no"',
      previous_reason: null,
      payout: '12.5000',
      offer_id: '7',
      publisher_id: '3',
      sub_id: 'a/b',
      changed_at: '2026-12-03T10:00:00.123Z',
    });
  });
});

describe('renderNotification', () => {
  it('renders a GET with the URL macros encoded and no body, even if the postback has one', () => {
    const request = renderNotification({ method: 'GET', url: 'https://a.example/pb?t={transaction_id}&p={payout}', headers: { 'X-A': '1' }, body: '{}' }, values);
    expect(request).toEqual({ method: 'GET', url: 'https://a.example/pb?t=tx%201%262&p=12.5000', headers: { 'X-A': '1' }, body: null });
  });

  it('JSON-escapes a JSON body and says it is JSON when the postback named no content type', () => {
    const request = renderNotification({ method: 'POST', url: 'https://a.example/pb', headers: {}, body: '{"r":"{rejected_reason}","s":"{sub_id}"}' }, values);
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(request.body!)).toEqual({ r: 'said "no"', s: 'a/b' });
  });

  it('sends a body that does not look like JSON as plain text', () => {
    const request = renderNotification({ method: 'PUT', url: 'https://a.example/pb', headers: {}, body: 'tx={transaction_id}' }, values);
    expect(request).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'tx=tx 1&2' });
  });

  it("escapes for the postback's own content type, whatever the case of its name", () => {
    const request = renderNotification(
      { method: 'POST', url: 'https://a.example/pb', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'tx={transaction_id}' },
      values,
    );
    expect(request).toMatchObject({ headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'tx=tx%201%262' });
  });
});

import { describe, expect, it } from 'vitest';
import { reasonFilterMiss } from './notificationRows.js';

describe('reasonFilterMiss', () => {
  it('lets every reason through a postback that names none', () => {
    expect(reasonFilterMiss(5, [], 'anything')).toBeNull();
  });

  it('lets a named reason through', () => {
    expect(reasonFilterMiss(5, ['fraud', 'chargeback'], 'chargeback')).toBeNull();
  });

  it('says why a reason the postback does not name is not sent', () => {
    expect(reasonFilterMiss(5, ['fraud'], 'test_order')).toBe(`the conversion's reason is now "test_order", not one of affiliate postback 5's reasons`);
  });

  it('does not send a conversion with no reason to a postback that names reasons', () => {
    expect(reasonFilterMiss(5, ['fraud'], null)).not.toBeNull();
  });
});

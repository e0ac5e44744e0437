import { describe, expect, it } from 'vitest';
import { InvalidPostbackError, rejectionUrl } from '@postback/core';
import { refusePlaceholder } from './placeholders.js';

describe('refusePlaceholder', () => {
  it('refuses each placeholder the rejection URL is built with, naming the field', () => {
    const url = new URL(rejectionUrl('https://postbacks.example.com', 'k'));
    for (const field of ['transaction_id', 'new_rejected_reason']) {
      const placeholder = url.searchParams.get(field)!;
      expect(() => refusePlaceholder(field, placeholder)).toThrow(InvalidPostbackError);
      expect(() => refusePlaceholder(field, placeholder)).toThrow(expect.objectContaining({ field }));
    }
  });

  it('accepts real values, even ones that contain a placeholder', () => {
    for (const value of ['abc123', 'replace', 'REPLACED', 'REPLACE-1', 'bot_traffic']) {
      expect(() => refusePlaceholder('transaction_id', value)).not.toThrow();
    }
  });
});

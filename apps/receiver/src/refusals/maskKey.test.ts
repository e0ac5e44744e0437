import { describe, expect, it } from 'vitest';
import { PATH_MAX, pathWithKeyMasked } from './maskKey.js';

const KEY = 'Zx9_secretKEYvalue-0123456789abcdefghijklmno';

describe('pathWithKeyMasked', () => {
  it.each([
    ['/v1/rejections?key=<K>&transaction_id=t1', '/v1/rejections?key=****&transaction_id=t1'],
    ['/v1/rejections?transaction_id=t1&key=<K>&new_rejected_reason=r', '/v1/rejections?transaction_id=t1&key=****&new_rejected_reason=r'],
    ['/v1/rejections?%6Bey=<K>', '/v1/rejections?key=****'],
    ['/v1/rejections?Key=<K>', '/v1/rejections?Key=****'],
    ['/v1/rejections?api_key=<K>', '/v1/rejections?api_key=****'],
    ['/v1/rejections?key[0]=<K>&key[]=<K>', '/v1/rejections?key[0]=****&key[]=****'],
    ['/v1/rejections?key%5B0%5D=<K>', '/v1/rejections?key[0]=****'],
    ['/v1/rejections?key=<K>?key=<K>', '/v1/rejections?key=****'],
    ['/v1/rejections?key%3D<K>', '/v1/rejections?key=****'],
    ['/v1/rejections?key:<K>', '/v1/rejections?key=****'],
    ['/v1/rejections?+key+=<K>', '/v1/rejections?key=****'],
    ['/v1/rejections?key', '/v1/rejections?key=****'],
    ['/v1/rejections?amp;key=<K>', '/v1/rejections?key=****'],
  ])('masks the key in %s', (url, masked) => {
    const sent = url.replaceAll('<K>', KEY);
    expect(pathWithKeyMasked(sent)).toBe(masked);
    expect(pathWithKeyMasked(sent)).not.toContain(KEY.slice(0, 8));
  });

  it('leaves a path without a key as it is', () => {
    expect(pathWithKeyMasked('/v1/rejections?transaction_id=t1&new_rejected_reason=bot')).toBe('/v1/rejections?transaction_id=t1&new_rejected_reason=bot');
    expect(pathWithKeyMasked('/v1/rejections')).toBe('/v1/rejections');
  });

  it('cuts a long path after masking, so the cut never uncovers a key', () => {
    const long = `/v1/rejections?transaction_id=${'t'.repeat(PATH_MAX)}&key=${KEY}`;
    const masked = pathWithKeyMasked(long);
    expect(masked).toHaveLength(PATH_MAX);
    expect(masked).not.toContain(KEY.slice(0, 8));
  });
});

import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AdminInputError } from '../adminErrors.js';
import { linesOf } from './uploadLines.js';

const all = async (body: Readable) => {
  const lines: Array<{ line: number; text: string }> = [];
  for await (const l of linesOf(body)) lines.push(l);
  return lines;
};

describe('linesOf', () => {
  it('numbers the lines from 1 as an editor does, blank ones too, with LF or CRLF', async () => {
    expect(await all(Readable.from([Buffer.from('a\r\n\nb\nc')]))).toEqual([
      { line: 1, text: 'a' }, { line: 2, text: '' }, { line: 3, text: 'b' }, { line: 4, text: 'c' },
    ]);
  });

  it('decodes a character split across two chunks, and bytes that are not UTF-8 as U+FFFD', async () => {
    const e = Buffer.from('é\n');
    expect(await all(Readable.from([Buffer.from([0x78, e[0]!]), Buffer.from([e[1]!, 0x0a, 0xff, 0x0a])]))).toEqual([
      { line: 1, text: 'xé' }, { line: 2, text: '\uFFFD' },
    ]);
  });

  it('refuses a line longer than it holds', async () => {
    const huge = Readable.from((function* () {
      yield Buffer.from('ok\n');
      for (let i = 0; i < 20; i += 1) yield Buffer.alloc(64 * 1024, 0x78);
    })());
    const refused = await all(huge).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AdminInputError);
    expect((refused as Error).message).toBe('a line is longer than 1048576 bytes: not a file of rows');
  });

  it('says the upload ended early when the body fails', async () => {
    const body = new PassThrough();
    body.write('a\nb\n');
    setTimeout(() => body.destroy(new Error('aborted')), 10);
    const refused = await all(body).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AdminInputError);
    expect((refused as Error).message).toMatch(/ended before its end, after line 2/);
  });
});

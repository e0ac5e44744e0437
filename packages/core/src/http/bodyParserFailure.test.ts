import { describe, expect, it } from 'vitest';
import { bodyParserFailureOf } from './bodyParserFailure.js';

// Errors shaped as body-parser and raw-body raise them: an Error with `status` and `type` (http-errors).
const parserError = (status: number, type: string) => Object.assign(new Error('parser said no'), { status, type });

describe('bodyParserFailureOf: one mapping of body parser errors to HTTP statuses', () => {
  const rows: Array<[string, unknown, ReturnType<typeof bodyParserFailureOf>]> = [
    ['a body over the limit → 413', parserError(413, 'entity.too.large'), { kind: 'too_large', status: 413 }],
    ['a body that does not parse → 400', parserError(400, 'entity.parse.failed'), { kind: 'malformed', status: 400 }],
    ['a charset the parser does not read → 415', parserError(415, 'charset.unsupported'), { kind: 'unsupported_encoding', status: 415 }],
    ['a Content-Encoding the parser does not read → 415', parserError(415, 'encoding.unsupported'), { kind: 'unsupported_encoding', status: 415 }],
    ['too many form parameters → its own 413', parserError(413, 'parameters.too.many'), { kind: 'other', status: 413 }],
    ['an aborted request → its own 400', parserError(400, 'request.aborted'), { kind: 'other', status: 400 }],
    ['any other 4xx error → its own status', Object.assign(new Error('x'), { status: 422 }), { kind: 'other', status: 422 }],
    ['a 5xx parser error (a stream already read) → not a client error', parserError(500, 'stream.not.readable'), undefined],
    ['a plain error → not a parser error', new Error('boom'), undefined],
    ['a status that is not a number → not a parser error', Object.assign(new Error('x'), { status: '400' }), undefined],
    ['a type inherited from Object.prototype → not a parser error', parserError(500, 'toString'), undefined],
    ['not an object → not a parser error', 'entity.too.large', undefined],
    ['null → not a parser error', null, undefined],
  ];
  it.each(rows)('%s', (_name, err, expected) => {
    expect(bodyParserFailureOf(err)).toEqual(expected);
  });

  it('goes by the type, not the status the error carries', () => {
    expect(bodyParserFailureOf(parserError(400, 'entity.too.large'))).toEqual({ kind: 'too_large', status: 413 });
  });
});

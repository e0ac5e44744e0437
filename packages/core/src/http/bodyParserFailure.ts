/**
 * What an error from Express's body parsers (body-parser, raw-body) means for the client. They carry their HTTP
 * status and a `type`; the type, not the message, says which failure it was.
 * - `too_large`: the body is over the parser's limit (413).
 * - `malformed`: the body could not be parsed (400).
 * - `unsupported_encoding`: a charset or Content-Encoding the parser does not read (415).
 * - `other`: any other client error the parser raised (an aborted request, too many parameters…), with its own
 *   4xx status.
 * Each app words its own answer; the statuses are the same everywhere.
 */
export type BodyParserFailure =
  | { kind: 'too_large'; status: 413 }
  | { kind: 'malformed'; status: 400 }
  | { kind: 'unsupported_encoding'; status: 415 }
  | { kind: 'other'; status: number };

const BY_TYPE: Readonly<Record<string, BodyParserFailure>> = {
  'entity.too.large': { kind: 'too_large', status: 413 },
  'entity.parse.failed': { kind: 'malformed', status: 400 },
  'charset.unsupported': { kind: 'unsupported_encoding', status: 415 },
  'encoding.unsupported': { kind: 'unsupported_encoding', status: 415 },
};

/** The body parser failure `err` is, or undefined when it is not a client error from a body parser. */
export function bodyParserFailureOf(err: unknown): BodyParserFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (typeof type === 'string' && Object.hasOwn(BY_TYPE, type)) return BY_TYPE[type];
  if (typeof status === 'number' && status >= 400 && status < 500) return { kind: 'other', status };
  return undefined;
}

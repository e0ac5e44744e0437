import { pipeline, type Readable } from 'node:stream';
import split2 from 'split2';
import { AdminInputError } from '../adminErrors.js';

// The most of one line held while waiting for its end: a valid row is a few hundred bytes.
const LINE_MAX_BYTES = 1024 * 1024;

/**
 * The lines of an upload, numbered from 1 as an editor shows them (LF or CRLF), decoded as UTF-8: bytes that are
 * not UTF-8 become U+FFFD, which the row check reports. Streamed: only the line being read is held. A failure of
 * the body (a client that went away) ends the iteration with an AdminInputError that says so.
 */
export async function* linesOf(body: Readable): AsyncGenerator<{ line: number; text: string }> {
  let bodyFailed = false;
  body.once('error', () => (bodyFailed = true));
  const lines = pipeline(body, split2(/\r?\n/, { maxLength: LINE_MAX_BYTES }), () => undefined);
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      yield { line, text: text as string };
    }
  } catch (err) {
    // The splitter's one error of its own: a line longer than it holds. Else the body failed: the client went away.
    const error = bodyFailed
      ? new AdminInputError(`the upload ended before its end, after line ${line}: nothing staged`)
      : new AdminInputError(`a line is longer than ${LINE_MAX_BYTES} bytes: not a file of rows`);
    error.cause = err;
    throw error;
  }
}

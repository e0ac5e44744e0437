import { open } from 'node:fs/promises';
import { AdminInputError } from './adminErrors.js';

/** A file a CLI command reads, opened before reading: a missing or unreadable one is bad input (exit 2), not a crash mid-stream. */
export async function openInput(file: string) {
  try {
    return await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new AdminInputError(`cannot read ${file} (${code})`);
    throw err;
  }
}

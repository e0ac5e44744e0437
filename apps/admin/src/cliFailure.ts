import { CommanderError } from 'commander';
import { ConfigError } from '@postback/core';
import { ConflictError, inputErrorOf, NotFoundError, storeOutage } from './adminErrors.js';

export interface CliFailure {
  exitCode: number;
  /** The one line for stderr; none when commander has printed its own. */
  line?: string;
}

// Commander's codes for help and version output, which are not errors (`cli` alone prints help and exits 1).
const COMMANDER_OUTPUT = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

/**
 * How the CLI ends on an error: exit 2 for bad input (a usage error, a bad value, a bad environment variable), 1
 * for anything else (something not found, a refusal in the state things are in, a store unreachable, a bug), always with one line on stderr and never a
 * stack: an operator's script reads the exit code, a person reads the line.
 */
export function cliFailure(err: unknown): CliFailure {
  if (err instanceof CommanderError) {
    return { exitCode: COMMANDER_OUTPUT.has(err.code) ? err.exitCode : 2 };
  }
  const input = inputErrorOf(err);
  if (input || err instanceof ConfigError) return { exitCode: 2, line: `error: ${oneLine((input ?? (err as Error)).message)}` };
  const outage = storeOutage(err);
  if (outage) return { exitCode: 1, line: `error: ${outage.message}` };
  if (err instanceof NotFoundError || err instanceof ConflictError) return { exitCode: 1, line: `error: ${oneLine(err.message)}` };
  return { exitCode: 1, line: `error: unexpected ${describeUnexpected(err)}` };
}

/** A message on one line: its lines joined ("a:", "b", "c" as "a: b; c"), control characters escaped. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .reduce((joined, l) => (joined === '' ? l : `${joined}${joined.endsWith(':') ? ' ' : '; '}${l}`), '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Prisma's messages start with where the call was made and a code excerpt, and end with what went wrong.
function describeUnexpected(err: unknown): string {
  if (!(err instanceof Error)) return oneLine(String(err));
  const lines = err.message.split('\n').filter((l) => l.trim() !== '');
  return oneLine(`${err.name}: ${lines.at(-1) ?? ''}`);
}

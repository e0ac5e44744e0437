import { hostname, userInfo } from 'node:os';
import { AdminInputError } from './adminErrors.js';

export const OPERATOR_HEADER = 'X-Operator';
const OPERATOR_MAX_CHARS = 100;

/**
 * Who did an admin action, as the audit trail records it. Everyone shares one admin token, so `operator` is the
 * name they gave (X-Operator, the login form, --operator) or else the token's fingerprint; `source` is where the
 * action came from (the client address of an API request, or the CLI's OS user and host), which a name typed by
 * the operator cannot change.
 */
export interface Actor {
  operator: string;
  source: string;
}

/** An operator name as given: 1–100 characters once trimmed, no control characters. */
export function parseOperatorName(value: unknown, field: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  const chars = [...name].length;
  if (chars < 1 || chars > OPERATOR_MAX_CHARS || /\p{Cc}/u.test(name)) {
    throw new AdminInputError(`${field}: an operator name is 1-${OPERATOR_MAX_CHARS} characters without control characters`, field);
  }
  return name;
}

/**
 * The X-Operator header's name, or undefined when none was sent. Node hands header values over as latin1 (one
 * char per byte); a client sends UTF-8, so the bytes are decoded as such and a value that is not UTF-8 is refused.
 */
export function operatorFromHeader(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) throw new AdminInputError(`${OPERATOR_HEADER}: give it once`, OPERATOR_HEADER);
  const decoded = Buffer.from(raw, 'latin1').toString('utf8');
  if (decoded.includes('\uFFFD')) throw new AdminInputError(`${OPERATOR_HEADER}: not UTF-8`, OPERATOR_HEADER);
  return parseOperatorName(decoded, OPERATOR_HEADER);
}

/** The OS user the CLI runs as; a container user with no passwd entry has only its uid. */
function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

/** Who a CLI command is recorded as without --operator: `cli:` and the shell's user, as the README says. */
export function cliOperator(): string {
  return `cli:${osUser()}`;
}

/** Where a CLI command came from: the OS user and host it ran as. */
export function cliSource(): string {
  return `${cliOperator()}@${hostname()}`;
}

import type { Answer } from './burst.js';

/** The requests sent after `from` and answered before `to`: wholly inside a fault's window. */
export function answeredWithin(answers: readonly Answer[], from: number, to: number): Answer[] {
  return answers.filter((a) => a && a.startedAt > from && a.endedAt < to);
}

/** How many answers of each HTTP status (or connection error) there are, e.g. { '202': 10, '503': 4 }. */
export function countByStatus(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const key = a.error ?? String(a.status);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ScenarioSummary } from './verify.js';

export const RESULTS_FILE = fileURLToPath(new URL('../results.json', import.meta.url));

function readResults(): ScenarioSummary[] {
  return existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as ScenarioSummary[]) : [];
}

/** Prints a scenario's summary and adds it to test/faults/results.json (the files run one after another). */
export function recordSummary(summary: ScenarioSummary): void {
  console.log(`[faults] ${JSON.stringify(summary)}`);
  writeFileSync(RESULTS_FILE, `${JSON.stringify([...readResults().filter((r) => r.scenario !== summary.scenario), summary], null, 2)}\n`);
}

/** What every scenario promises: each 202 applied exactly once, the rules' end state, nothing else touched. */
export function expectExactlyOnce(summary: ScenarioSummary): void {
  expect(summary.acknowledged).toBeGreaterThan(0);
  expect(summary.problems).toEqual({});
  expect(summary.lost).toBe(0);
  expect(summary.duplicated).toBe(0);
  expect(summary.applied).toBe(summary.acknowledged);
}

/** The table printed at the end of `npm run test:faults`. */
export function resultsTable(): string {
  const rows = readResults().map((r) => [
    r.scenario,
    r.sent,
    r.acknowledged,
    r.applied,
    r.lost,
    r.duplicated,
    r.appliedWithoutAck,
    Object.entries({ ...r.refused, ...r.connectionErrors }).map(([k, v]) => `${k}:${v}`).join(' ') || '-',
    Object.keys(r.problems).length === 0 ? 'none' : JSON.stringify(r.problems),
    `${r.seconds}s`,
  ]);
  const header = ['scenario', 'sent', 'acknowledged', 'applied', 'lost', 'duplicated', 'applied w/o 202', 'not acknowledged', 'problems', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: Array<string | number>) => `| ${cells.map((c, i) => String(c).padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function clearResults(): void {
  rmSync(RESULTS_FILE, { force: true });
}

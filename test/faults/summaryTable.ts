import { clearResults, resultsTable } from './helpers/results.js';

// vitest globalSetup for the fault suite: a fresh results.json per run, and the table of every scenario at the end.
export function setup(): void {
  clearResults();
}

export function teardown(): void {
  console.log(`\nFault scenarios (test/faults/results.json):\n${resultsTable()}\n`);
}

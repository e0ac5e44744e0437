// Keeps the README's reference true: the configuration table and the scripts it names match the code.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '@postback/core';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The README section under a `### title` heading, up to the next heading. */
function section(title: string): string {
  const start = readme.indexOf(`### ${title}\n`);
  expect(start, `README has a "### ${title}" section`).toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + title.length + 5);
  return rest.slice(0, rest.search(/\n#{2,3} /) + 1 || undefined);
}

it('lists every environment variable the configuration reads, and no other', () => {
  const documented = new Set<string>();
  for (const row of section('Configuration').split('\n').filter((l) => l.startsWith('| `'))) {
    const names = row.split('|')[1]!.match(/`([A-Z_]+)`/g) ?? [];
    for (const n of names) documented.add(n.slice(1, -1));
  }
  expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
});

it('names only npm scripts that exist', () => {
  const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
  expect(named.length).toBeGreaterThan(5);
  expect(named.filter((name) => scripts[name] === undefined)).toEqual([]);
});

// Keeps `npm ci` quiet and honest: every installed package runs on the oldest Node the project promises, and every
// install script npm would run is a decision written down in package.json (npm 11 blocks the others and warns).
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  version?: string;
  engines?: Record<string, string> | string[];
  hasInstallScript?: boolean;
  link?: boolean;
}

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, LockedPackage> };
const installed = Object.entries(lock.packages).filter(([path, p]) => path.includes('node_modules/') && !p.link);
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('the installed packages', () => {
  const oldestNode = semver.minVersion(manifest.engines.node)!.version;

  it(`all run on Node ${oldestNode}, the oldest package.json promises`, () => {
    expect(installed.length).toBeGreaterThan(100);
    const excluding = installed
      .filter(([, p]) => p.engines && !Array.isArray(p.engines) && p.engines.node !== undefined)
      .filter(([, p]) => !semver.satisfies(oldestNode, (p.engines as Record<string, string>).node!))
      .map(([path, p]) => `${nameOf(path)}@${p.version} (node ${(p.engines as Record<string, string>).node})`);
    expect(excluding).toEqual([]);
  });

  it('run only the install scripts package.json allowScripts approves or denies by name', () => {
    const decided = Object.keys(manifest.allowScripts ?? {}).map((key) => key.replace(/(.)@.*$/, '$1'));
    const undecided = installed
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => nameOf(path))
      .filter((name) => !decided.includes(name));
    expect(undecided).toEqual([]);
  });
});

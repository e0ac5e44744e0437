import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_DIR = fileURLToPath(new URL('../../apps/console/', import.meta.url));
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json'];

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/**
 * The browser tests drive the built console, as the admin app serves it: build it (Vite's API, as `npm run build`
 * does) when apps/console/dist is missing or older than a source, so `npm test` works on a clean clone.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const built = await stat(join(CONSOLE_DIR, 'dist', 'index.html')).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(...(await Promise.all(SOURCES.map((s) => newestChange(join(CONSOLE_DIR, s))))));
  if (built > sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
}

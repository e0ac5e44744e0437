import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const NOT_INSTALLED = (binary: string) =>
  `${binary} is not installed: it comes with Debian's prometheus package (apt-get install --no-install-recommends prometheus; .ci/run installs it)`;

/** Runs promtool in the repository's root: its exit code and everything it printed (it reports failures on stderr). */
export function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd: ROOT }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new Error(NOT_INSTALLED('promtool')));
      resolve({ code: err ? Number(err.code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

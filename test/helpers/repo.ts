/** Paths in the source tree, whichever folder the compiled tests run from (dist/ or .build/<name>/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the compiled tests');
    dir = up;
  }
  root = dir;
  return dir;
}

/** A path in the source tree: repoPath('test', 'fixtures', 'x.json'). */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}

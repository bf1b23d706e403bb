/**
 * The layers of docs/architecture.md, read from the imports: every relative import of every source
 * file is resolved to the top-level folder it lands in and checked against the folder's allowed
 * list. A new folder must be added here (and to the doc) before anything may import it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/repo.js';

/** Folder -> the folders it may import (itself always). Bottom first, as in docs/architecture.md. */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  core: [],
  protocol: ['core'],
  mqtt: ['core'],
  road: ['core'],
  infra: ['core'],
  simulator: ['core', 'protocol', 'mqtt', 'road'],
  backend: ['core', 'protocol', 'mqtt', 'road'],
  eval: ['core', 'protocol', 'road', 'simulator', 'backend'],
  loadtest: ['core', 'protocol', 'mqtt', 'road', 'infra', 'simulator', 'backend'],
  app: ['core', 'protocol', 'mqtt', 'road', 'infra', 'simulator', 'backend', 'eval', 'loadtest'],
  cli: ['core', 'protocol', 'mqtt', 'road', 'infra', 'simulator', 'backend', 'eval', 'loadtest', 'app'],
};

const SPEC = /(?:from\s+|import\(\s*|import\s+)'(\.{1,2}\/[^']*)'/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every import that crosses out of its folder's allowed set, as "file -> target". */
function violations(root: string): string[] {
  const bad: string[] = [];
  for (const [folder, allowed] of Object.entries(LAYERS)) {
    for (const file of sources(join(root, folder))) {
      for (const m of readFileSync(file, 'utf8').matchAll(SPEC)) {
        const target = relative(root, resolve(dirname(file), m[1] as string));
        const top = target.split(sep)[0] ?? '';
        if (top === folder || allowed.includes(top)) continue;
        bad.push(`${relative(root, file)} -> ${target}`);
      }
    }
  }
  return bad;
}

test('every source folder imports only the layers below it', () => {
  assert.deepEqual(violations(repoRoot()), []);
});

test('every top-level source folder has a layer', () => {
  const root = repoRoot();
  const tools = new Set(['test', 'bench', 'scripts', 'node_modules', 'dist', 'docs', '.git', '.build', '.ci']);
  const unlisted = readdirSync(root)
    .filter((n) => !n.startsWith('.') && !tools.has(n) && statSync(join(root, n)).isDirectory())
    .filter((n) => sources(join(root, n)).length > 0 && !(n in LAYERS));
  assert.deepEqual(unlisted, [], 'a folder with TypeScript sources and no entry in LAYERS');
});

test('the backend and the simulator never import each other', () => {
  assert.ok(!LAYERS.backend?.includes('simulator'));
  assert.ok(!LAYERS.simulator?.includes('backend'));
});

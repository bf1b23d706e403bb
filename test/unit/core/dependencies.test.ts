/**
 * Every package in package.json `dependencies` is imported by product code: some .ts file outside
 * test/, bench/ and scripts/ imports it (`from '<name>'`, `from '<name>/...'`, `import('<name>')`).
 * A package only the tests, benchmarks or build scripts use belongs in devDependencies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../../helpers/repo.js';

/** Top-level folders that are not product code (and folders never searched). */
const NOT_PRODUCT = new Set(['test', 'bench', 'scripts', 'node_modules', 'dist']);

function tsFiles(dir: string, top: boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) {
      if (top && NOT_PRODUCT.has(e.name)) continue;
      if (e.name === 'node_modules') continue;
      out.push(...tsFiles(join(dir, e.name), false));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(join(dir, e.name));
  }
  return out;
}

/** Package names imported by `source` (static imports, re-exports dynamic imports and createRequire's require()). */
function importedPackages(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
    const spec = m[1] as string;
    const parts = spec.split('/');
    found.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
  }
  return found;
}

test('importedPackages reads static, type, side-effect and dynamic imports, with sub-paths and scopes', () => {
  const src = [
    "import mqtt, { type MqttClient } from 'mqtt';",
    "import type { X } from '@scope/pkg/sub/path';",
    "export { y } from 'yaml';",
    "import 'side-effect';",
    "const m = await import('late-pkg');",
    "const r = require('cjs-pkg/sub.js');",
    "import { a } from './local.js';",
    "import { b } from 'node:fs';",
  ].join('\n');
  assert.deepEqual([...importedPackages(src)].sort(), ['@scope/pkg', 'cjs-pkg', 'late-pkg', 'mqtt', 'node:fs', 'side-effect', 'yaml']);
});

test('every package in dependencies is imported by product code (else it belongs in devDependencies)', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const used = new Set<string>();
  for (const file of tsFiles(repoPath(), true)) for (const name of importedPackages(readFileSync(file, 'utf8'))) used.add(name);
  const unused = Object.keys(pkg.dependencies ?? {}).filter((name) => !used.has(name));
  assert.deepEqual(unused, [], `dependencies no product code imports: ${unused.join(', ')}`);
});

#!/usr/bin/env node
// The v2x command. The TypeScript sources are compiled to dist/ by `npm run build` (run by npm ci).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('v2x: dist/ is missing; run `npm ci` (or `npm run build`) in the project folder first\n');
  process.exit(1);
}
await import(entry.href);

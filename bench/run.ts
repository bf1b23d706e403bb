/**
 * `npm run bench -- <name> [args]`: runs dist/bench/<name>.js in its own process (with --expose-gc),
 * passes its output through, takes the last line of JSON it prints as its figures, and writes them
 * with the commit and the machine to bench/results/<name>.json.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, writeResult } from './lib/provenance.js';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js')
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || !available.includes(name)) {
  if (name !== undefined && name !== '--help' && name !== '-h') console.error(`bench: unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ')}`);
  process.exit(name === undefined || name === '--help' || name === '-h' ? 0 : 2);
}

const child = spawn(process.execPath, ['--expose-gc', join(here, `${name}.js`), ...args], { stdio: ['inherit', 'pipe', 'inherit'] });
let lastJson: unknown;
let buffered = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  buffered += chunk.toString();
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) {
    const t = line.trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      try {
        lastJson = JSON.parse(t);
      } catch {
        // not the summary line
      }
    }
  }
});
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
if (lastJson === undefined) {
  console.error(`bench: ${name} printed no JSON line`);
  process.exit(code !== 0 ? code : 1);
}
// a bench that missed its targets exits non-zero after its JSON line: its figures are recorded too
const file = writeResult(name, lastJson, args);
console.error(`bench: figures written to ${relative(repoRoot(), file)}`);
if (code !== 0) process.exit(code);

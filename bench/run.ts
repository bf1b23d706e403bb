/**
 * `npm run bench -- <name> [args]`: runs dist/bench/<name>.js in its own process (with --expose-gc),
 * passes its output through, takes the last line of JSON it prints as its figures, and writes them
 * with the commit and the machine to bench/results/<name>.json.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
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

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
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
if (code !== 0) process.exit(code);
if (lastJson === undefined) {
  console.error(`bench: ${name} printed no JSON line`);
  process.exit(1);
}
const record = {
  bench: name,
  args,
  figures: lastJson,
  commit: commit(),
  at: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), platform: `${platform()}-${arch()}`, node: process.version, loadavg_1m: loadavg()[0] },
};
const out = join(repo, 'bench', 'results');
if (!existsSync(out)) mkdirSync(out, { recursive: true });
writeFileSync(join(out, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
console.error(`bench: figures written to bench/results/${name}.json`);

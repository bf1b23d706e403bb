/** Where a benchmark figure comes from: the commit (marked -dirty with local changes) and the machine. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export function commitId(root = repoRoot()): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], {
        cwd: root,
        encoding: 'utf8',
      }).trim() !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()}-${arch()} ${release()}`,
    node: process.version,
    load_avg_1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

/** Writes bench/results/<name>.json with the figures, the commit and the machine. */
export function writeResult(name: string, figures: unknown, args: readonly string[] = []): string {
  const out = join(repoRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}.json`);
  const record = { bench: name, args, figures, commit: commitId(), at: new Date().toISOString(), machine: machineInfo() };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

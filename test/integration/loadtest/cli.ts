/**
 * Helpers of the load-test integration tests: `v2x loadtest` as a child process (the compiled
 * cli/run.js next to this compiled file, so it works from dist/ and from a private build), killed
 * in t.after if still running; and a temporary folder removed in t.after.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type After = { after(fn: () => Promise<void> | void): void };

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const RUN_JS = fileURLToPath(new URL('../../../cli/run.js', import.meta.url));

export async function runLoadtestCli(t: After, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  const child = spawn(process.execPath, [RUN_JS, 'loadtest', ...args, '--log-level', 'warn'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

export async function tempDir(t: After, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a YAML scenario as dir/name (leading blank lines dropped); returns its path. */
export async function writeScenario(dir: string, name: string, yaml: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml.replace(/^\n+/, ''));
  return file;
}

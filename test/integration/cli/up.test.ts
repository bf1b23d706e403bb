/**
 * `npm start` (v2x up) for real: it starts its own Kafka and the backend, prints one ready line
 * within the deadline, and Ctrl-C (SIGINT) stops everything it started: no process left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../helpers/repo.js';
import { waitFor } from '../../helpers/poll.js';

/** Every live descendant of `root`, from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('v2x up prints its ready line, and Ctrl-C leaves no process behind', { timeout: 120_000 }, async (t) => {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS; // start its own Kafka, as `npm start` on a fresh machine does
  const stateDir = mkdtempSync(join(tmpdir(), 'v2x-up-test-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    [repoPath('bin', 'v2x.js'), 'up', '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0', '--log-level', 'warn'],
    {
      env: { ...env, V2X_KAFKA__STATE_DIR: stateDir }, // no developer's `v2x kafka start` instance is reused
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 60 s; stderr:\n${err.slice(-2000)}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('v2x ready'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`v2x up exited (${code}) before it was ready; stderr:\n${err.slice(-2000)}`)));
  });
  t.diagnostic(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s: ${ready}`);
  assert.match(ready, /kafka 127\.0\.0\.1:\d+ \| mqtt mqtt:\/\/127\.0\.0\.1:\d+ \| mqtt-ws ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
  const started_ = descendants(child.pid!);
  assert.ok(started_.length > 0, 'it started a Kafka');

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 0, 'a clean exit on Ctrl-C');
  await waitFor(() => !started_.some(alive), { timeoutMs: 15_000, what: `processes ${started_.filter(alive).join(', ')} to stop` });
});

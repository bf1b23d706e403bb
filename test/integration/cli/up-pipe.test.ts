/**
 * `v2x up 2>&1 | tee log`, then Ctrl-C at the terminal: the terminal's SIGINT reaches the whole
 * process group, so tee (the pipe's only reader) dies with v2x, and every line v2x writes while it
 * stops ("SIGINT: stopping", its children's logs) meets a broken pipe. It must still stop everything
 * within 20 s, and not call its own stop an error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../helpers/poll.js';
import { CLI, descendants, envWithoutKafka, isAlive, tempDirFor } from '../../helpers/process.js';

test('v2x up | tee, Ctrl-C: every process stops within 20 s though the pipe has no reader', { timeout: 180_000 }, async (t) => {
  const env = envWithoutKafka();
  const dir = tempDirFor(t, 'v2x-up-pipe-');
  const log = join(dir, 'log');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const up = [process.execPath, CLI, 'up', '--cars', '20', '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'].map(q).join(' ');
  // a process group of its own, as a shell's pipeline in a terminal: SIGINT to the group is Ctrl-C
  const shell = spawn('/bin/sh', ['-c', `${up} 2>&1 | tee ${q(log)}`], {
    env: { ...env, V2X_KAFKA__STATE_DIR: dir, V2X_SIM__WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
    detached: true,
  });
  t.after(() => {
    try {
      process.kill(-shell.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  });
  let out = '';
  shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => /^simulator: /m.test(out), {
    timeoutMs: 120_000,
    intervalMs: 250,
    what: `the ready lines; so far:\n${out.slice(-2000)}`,
  });
  const all = descendants(shell.pid!);
  assert.ok(all.length >= 3, 'v2x, tee and what v2x started');

  const stopped = Date.now();
  const exited = new Promise<void>((resolve) => shell.once('exit', () => resolve()));
  process.kill(-shell.pid!, 'SIGINT');
  await exited;
  await waitFor(() => !all.some(isAlive), {
    timeoutMs: 20_000 - (Date.now() - stopped),
    what: `processes ${all.filter(isAlive).join(', ')} to stop`,
  });
  const seconds = (Date.now() - stopped) / 1000;
  t.diagnostic(`everything stopped ${seconds.toFixed(1)} s after Ctrl-C`);
  assert.ok(seconds < 20, `stopped within 20 s (${seconds} s)`);
  const text = readFileSync(log, 'utf8');
  assert.doesNotMatch(text, /internal error|fatal:/, 'the lines tee saw carry no error');
});

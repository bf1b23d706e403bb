/** lowerPriority: the child's niceness and, on Linux with autogroups, its session's autogroup. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { lowerPriority } from '../../../core/niceness.js';

test('lowerPriority sets the niceness of a detached child and of its autogroup', async (t) => {
  // detached: a session of its own, as the stack's children are
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  const pid = child.pid!;
  const r = lowerPriority(pid, 7);
  assert.equal(getPriority(pid), 7);
  const file = `/proc/${pid}/autogroup`;
  if (existsSync(file)) {
    assert.equal(r.autogroup, true, r.autogroupError);
    assert.match(readFileSync(file, 'utf8'), /nice 7\b/);
  } else assert.equal(r.autogroup, false);
});

test('lowerPriority refuses a niceness outside 0..19 and names it', () => {
  assert.throws(() => lowerPriority(process.pid, 20), /niceness must be an integer 0..19 \(got 20\)/);
  assert.throws(() => lowerPriority(process.pid, 1.5), /got 1.5/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAtomicDir, isComplete } from '../../../infra/kafka/atomic-dir.js';
import { createProgress } from '../../../infra/kafka/progress.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('concurrent builders build once; the folder appears complete', async (t) => {
  const final = join(tempDir(t), 'kafka', '4.4.0');
  let builds = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const build = async (tmp: string): Promise<void> => {
    builds++;
    await gate;
    await writeFile(join(tmp, 'a.jar'), 'x');
  };
  const a = ensureAtomicDir(final, build, { waitTimeoutMs: 10_000 });
  const b = ensureAtomicDir(final, build, { waitTimeoutMs: 10_000 });
  setImmediate(release);
  const results = (await Promise.all([a, b])).sort();
  assert.deepEqual(results, ['built', 'built-by-other']);
  assert.equal(builds, 1);
  assert.ok(isComplete(final));
  assert.deepEqual(readdirSync(final).sort(), ['a.jar', 'complete.json']);
  assert.equal(await ensureAtomicDir(final, build, { waitTimeoutMs: 1000 }), 'cached');
});

test('an interrupted build leaves nothing at the final path and is redone', async (t) => {
  const root = tempDir(t);
  const final = join(root, 'v');
  await assert.rejects(
    ensureAtomicDir(
      final,
      async (tmp) => {
        await writeFile(join(tmp, 'half.jar'), 'x');
        throw new Error('network gone');
      },
      { waitTimeoutMs: 1000 },
    ),
    /network gone/,
  );
  assert.equal(existsSync(final), false);
  assert.deepEqual(readdirSync(root), [], 'no temp folder or lock left');
  assert.equal(await ensureAtomicDir(final, async (tmp) => writeFile(join(tmp, 'ok.jar'), 'y'), { waitTimeoutMs: 1000 }), 'built');
  assert.ok(isComplete(final));
});

test('a lock left by a dead process is taken over', async (t) => {
  const root = tempDir(t);
  const final = join(root, 'v');
  await writeFile(`${final}.lock`, '999999999 deadbeef');
  assert.equal(await ensureAtomicDir(final, async () => {}, { waitTimeoutMs: 2000 }), 'built');
});

test('progress: a live line on a terminal, throttled plain lines otherwise', () => {
  let now = 0;
  const chunks: string[] = [];
  const sink = (isTTY: boolean) =>
    Object.assign({ write: (s: string) => chunks.push(s) !== 0, isTTY, columns: 60 }) as unknown as NodeJS.WritableStream;
  const tty = createProgress({ stream: sink(true), label: 'kafka', now: () => now });
  tty.update('1 file');
  tty.update('2 files');
  tty.done('done');
  assert.ok(chunks.every((c) => c.startsWith('\r\x1b[2K')));
  assert.ok(chunks.at(-1)?.endsWith('\n'));
  chunks.length = 0;
  const plain = createProgress({ stream: sink(false), label: 'kafka', now: () => now, plainEveryMs: 5000 });
  plain.update('a');
  now = 1000;
  plain.update('b');
  now = 6000;
  plain.update('c');
  plain.done('done');
  assert.deepEqual(chunks, ['kafka: a (0.0 s)\n', 'kafka: c (6.0 s)\n', 'kafka: done (6.0 s)\n']);
});

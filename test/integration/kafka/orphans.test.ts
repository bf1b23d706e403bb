/**
 * No orphan broker, ever: a process that owns a local Kafka is SIGKILLed, interrupted with SIGINT,
 * or dies of an uncaught error, and afterwards no java process mentions that Kafka's data folder.
 * The SIGKILL case is the parent-watch guard's job (stdin EOF); the others are core/lifecycle's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { javaProcessesMentioning } from '../../../infra/kafka/index.js';
import { waitFor } from '../../helpers/poll.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/kafka-owner.js', import.meta.url));

interface Owned {
  readonly dataDir: string;
  readonly pids: number[];
  readonly brokers: string[];
}

async function startOwner(
  t: { after(fn: () => unknown): void },
  mode: 'wait' | 'throw',
): Promise<{ child: ChildProcess; owned: Owned; stderr: () => string }> {
  const child = spawn(process.execPath, [FIXTURE, mode], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    once(child, 'exit').then(([code]) => {
      throw new Error(`owner exited (${String(code)}) before Kafka was ready:\n${err}`);
    }),
  ]);
  lines.close();
  const owned = JSON.parse(first) as Owned;
  t.after(() => rm(owned.dataDir, { recursive: true, force: true }));
  return { child, owned, stderr: () => err };
}

/** Waits until no java process mentions the folder; kills and fails with what is left after the deadline. */
async function assertNoJavaLeft(dataDir: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const needle = `${dataDir}/`;
  try {
    await waitFor(() => javaProcessesMentioning(needle).length === 0, { timeoutMs, what: `no java process mentioning ${needle}` });
  } catch (err) {
    const left = javaProcessesMentioning(needle);
    for (const p of left) process.kill(p.pid, 'SIGKILL');
    assert.fail(`java still running ${timeoutMs} ms later: ${left.map((p) => p.pid).join(', ')} (${(err as Error).message})`);
  }
  return Date.now() - started;
}

test('the broker dies with its owner when the owner is SIGKILLed (parent-watch guard)', async (t) => {
  const { child, owned } = await startOwner(t, 'wait');
  assert.ok(owned.pids.length === 1 && javaProcessesMentioning(`${owned.dataDir}/`).length === 1, 'the broker runs');
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  const [, sig] = await exited;
  assert.equal(sig, 'SIGKILL');
  const ms = await assertNoJavaLeft(owned.dataDir, 30_000);
  t.diagnostic(`broker gone ${ms} ms after its owner was SIGKILLed`);
});

test('Ctrl-C (SIGINT) stops the broker and deletes its data', async (t) => {
  const { child, owned } = await startOwner(t, 'wait');
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const [code] = await exited;
  assert.equal(code, 130);
  await assertNoJavaLeft(owned.dataDir, 5_000);
  assert.equal(existsSync(owned.dataDir), false, 'data folder removed');
});

test('an uncaught error stops the broker and deletes its data', async (t) => {
  const { child, owned, stderr } = await startOwner(t, 'throw');
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr(), /deliberate uncaught error/);
  await assertNoJavaLeft(owned.dataDir, 5_000);
  assert.equal(existsSync(owned.dataDir), false, 'data folder removed');
});

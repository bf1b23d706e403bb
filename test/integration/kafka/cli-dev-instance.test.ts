/**
 * `v2x kafka start|status|stop` through the real CLI: the dev Kafka outlives `start`, `status`
 * finds it, a second `start` reuses it, `stop` ends it and leaves no java process behind. The
 * state file goes to a temporary kafka.stateDir so a developer's own dev instance is untouched;
 * the jars come from the usual cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { javaProcessesMentioning } from '../../../infra/kafka/index.js';
import { parseState } from '../../../infra/kafka/state.js';
import { waitFor } from '../../helpers/poll.js';

const buildRoot = fileURLToPath(new URL('../../../', import.meta.url));
const repoRoot = join(buildRoot, '..');
// From dist/ the real bin/v2x.js (which loads dist/cli/run.js); from another build folder, that
// folder's cli/run.js, which is what bin/v2x.js would load.
const CLI = buildRoot.replace(/\/$/, '').endsWith('/dist') ? join(repoRoot, 'bin', 'v2x.js') : join(buildRoot, 'cli', 'run.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function v2x(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 180_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A state folder of the test's own and the environment that points the CLI at it (never at
 * KAFKA_BROKERS); afterwards its instance is stopped and the folder removed.
 */
async function ownStateDir(t: { after(fn: () => unknown): void }): Promise<{ stateDir: string; env: NodeJS.ProcessEnv }> {
  const stateDir = await mkdtemp(join(tmpdir(), 'v2x-state-'));
  const env: NodeJS.ProcessEnv = { ...process.env, V2X_KAFKA__STATE_DIR: stateDir, LOG_LEVEL: 'warn' };
  delete env.KAFKA_BROKERS;
  t.after(async () => {
    await v2x(['kafka', 'stop'], env);
    await rm(stateDir, { recursive: true, force: true });
  });
  return { stateDir, env };
}

test('v2x kafka start / status / stop round trip', async (t) => {
  const { stateDir, env } = await ownStateDir(t);

  const none = await v2x(['kafka', 'status'], env);
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, /no local Kafka is running/);

  const start = await v2x(['kafka', 'start'], env);
  assert.equal(start.code, 0, start.stderr);
  const address = start.stdout.trim();
  assert.match(address, /^127\.0\.0\.1:\d+$/);

  const parsed = parseState(await readFile(join(stateDir, 'dev-instance.json'), 'utf8'));
  assert.ok(parsed.ok, 'the state file is valid');
  const { dataDir } = parsed.state;
  assert.equal(javaProcessesMentioning(`${dataDir}/`).length, 1, 'the broker outlives `v2x kafka start`');

  const status = await v2x(['kafka', 'status'], env);
  assert.equal(status.code, 0, status.stderr);
  assert.equal(status.stdout.trim(), address);

  const again = await v2x(['kafka', 'start'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), address, 'a second start reuses the running one');
  assert.match(again.stderr, /already running/);

  const stop = await v2x(['kafka', 'stop'], env);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /stopped the local Kafka/);
  assert.equal(existsSync(join(stateDir, 'dev-instance.json')), false, 'state file removed');
  assert.equal(existsSync(dataDir), false, 'data removed');
  await waitFor(() => javaProcessesMentioning(`${dataDir}/`).length === 0, {
    timeoutMs: 5_000,
    what: 'no java process of the instance to be left',
  });

  const after = await v2x(['kafka', 'status'], env);
  assert.equal(after.code, 1);
  const stopAgain = await v2x(['kafka', 'stop'], env);
  assert.equal(stopAgain.code, 0);
  assert.match(stopAgain.stdout, /no local Kafka was running/);
});

test('v2x kafka start --nodes 2 is refused as bad usage', async () => {
  const r = await v2x(['kafka', 'start', '--nodes', '2'], { ...process.env, LOG_LEVEL: 'warn' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--nodes must be 1 or 3/);
});

test('`v2x kafka start` killed while the broker boots: `v2x kafka stop` still finds and ends it', async (t) => {
  const { stateDir, env } = await ownStateDir(t);
  const start = spawn(process.execPath, [CLI, 'kafka', 'start'], { env, stdio: 'ignore' });
  t.after(() => start.kill('SIGKILL'));
  const stateFile = join(stateDir, 'dev-instance.json');
  // The provisional state file appears as soon as the JVM is spawned, before it is ready.
  const deadline = Date.now() + 120_000;
  while (!existsSync(stateFile)) {
    assert.ok(Date.now() < deadline && start.exitCode === null, 'the state file appears while start runs');
    await delay(50);
  }
  const exited = once(start, 'exit');
  start.kill('SIGKILL');
  await exited;
  const parsed = parseState(await readFile(stateFile, 'utf8'));
  assert.ok(parsed.ok);
  const { dataDir } = parsed.state;

  const stop = await v2x(['kafka', 'stop'], env);
  assert.equal(stop.code, 0, stop.stderr);
  await waitFor(() => javaProcessesMentioning(`${dataDir}/`).length === 0, {
    timeoutMs: 20_000,
    what: 'no java process of the half-started instance to be left',
  });
  assert.equal(existsSync(dataDir), false, 'its data is removed');
  assert.equal(existsSync(stateFile), false);
});

/**
 * `v2x backend --edges 2`: the clustered stack from the CLI (a local Redis, two edges, the services
 * process), one /health over all of it; and the parent's death takes everything with it: after a
 * SIGKILL of `v2x` (no cleanup runs), the edges, the services, Redis and Kafka all go away by
 * themselves (IPC disconnect, the guard shell's pipe, Kafka's parent watch).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { waitFor } from '../../helpers/poll.js';
import { CLI, descendants, envWithoutKafka, isAlive, tempDirFor } from '../../helpers/process.js';

test('v2x backend --edges 2: Redis, two edges and the services; SIGKILL of v2x leaves no process', { timeout: 180_000 }, async (t) => {
  const env = envWithoutKafka();
  const dir = tempDirFor(t, 'v2x-backend-kill-');
  const child = spawn(
    process.execPath,
    [CLI, 'backend', '--demo', '--edges', '2', '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0', '--log-level', 'warn'],
    { env: { ...env, V2X_KAFKA__STATE_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const all: number[] = [];
  t.after(() => {
    for (const pid of [child.pid!, ...all])
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
  });
  await waitFor(() => /^processes: /m.test(out) || child.exitCode !== null, {
    timeoutMs: 120_000,
    intervalMs: 250,
    what: `the ready lines; stderr:\n${err.slice(-2000)}`,
  });
  assert.match(
    out,
    /^processes: 3 processes for stack\.edges=2: edge-1 \(broker\+bridge\), edge-2 \(broker\+bridge\), services .*; edges clustered through redis:\/\/127\.0\.0\.1:\d+$/m,
  );
  const metricsUrl = /metrics (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(out)?.[1];
  assert.ok(metricsUrl, out);
  const health = (await (await fetch(`${metricsUrl}/health`)).json()) as { status: string; processes: { name: string; state: string }[] };
  assert.equal(health.status, 'ok');
  assert.deepEqual(
    health.processes.map((p) => p.name),
    ['edge-1', 'edge-2', 'services'],
  );

  all.push(...descendants(child.pid!));
  assert.ok(all.length >= 5, `Kafka, Redis and the three backend processes: ${all.length}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  await waitFor(() => !all.some(isAlive), {
    timeoutMs: 30_000,
    what: `processes ${all.filter(isAlive).join(', ')} to follow their parent`,
  });
});

/**
 * Issue 19, insecure defaults: `v2x backend` (the real CLI, a child process) refuses to start with
 * the public demo fleet key or demo API tokens and says which config keys to set; with keys of its
 * own it starts; with --demo it starts with the demo credentials and warns on stderr that it
 * listens on every interface.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testKafka } from '../../helpers/kafka.js';

const CLI = fileURLToPath(new URL('../../../cli/run.js', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `v2x backend ...`; once stdout shows the ready line it sends SIGINT. */
function backend(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  const base = { ...process.env };
  delete base.V2X_MQTT__FLEET_KEY;
  delete base.V2X_API__TOKENS;
  const child = spawn(process.execPath, [CLI, 'backend', '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0', ...args], {
    env: { ...base, V2X_LOG__LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    // one Ctrl-C: a second one means "exit now" (130), and the ready screen arrives in several chunks
    if (!interrupted && stdout.includes('v2x backend ready')) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

test('v2x backend refuses the demo credentials and names the keys to set', async () => {
  const r = await backend([]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /\[DEMO_CREDENTIALS\]/);
  assert.match(r.stderr, /mqtt\.fleetKey is the public demo key .*V2X_MQTT__FLEET_KEY/);
  assert.match(r.stderr, /api\.tokens holds the public demo tokens of demo-viewer, demo-operator, demo-admin.*V2X_API__TOKENS/);
  assert.match(r.stderr, /on every network interface \(0\.0\.0\.0\)/);
  assert.match(r.stderr, /--demo/);

  const tokensOnly = await backend([], { V2X_MQTT__FLEET_KEY: 'a-fleet-key-of-our-own' });
  assert.equal(tokensOnly.code, 2);
  assert.doesNotMatch(tokensOnly.stderr, /mqtt\.fleetKey is/);
  assert.match(tokensOnly.stderr, /api\.tokens holds the public demo tokens/);
});

test('v2x backend starts with credentials of its own, and with --demo (warning on stderr)', { timeout: 180_000 }, async (t) => {
  const { brokers } = await testKafka(t);
  const own = await backend(['--roles', 'broker,commands', '--brokers', brokers.join(',')], {
    V2X_MQTT__FLEET_KEY: 'a-fleet-key-of-our-own',
    V2X_API__TOKENS: 'ops:admin:an-admin-token-of-our-own',
    V2X_BRIDGE__TOPIC_PREFIX: 'democli.',
  });
  assert.match(own.stdout, /v2x backend ready \(broker\+commands\)/, own.stderr);
  assert.equal(own.code, 0, own.stderr);
  assert.doesNotMatch(own.stderr, /warning: the public demo credentials/);

  const demo = await backend(['--demo', '--roles', 'broker', '--brokers', brokers.join(',')]);
  assert.match(demo.stdout, /v2x backend ready \(broker\)/, demo.stderr);
  assert.equal(demo.code, 0, demo.stderr);
  assert.match(demo.stderr, /warning: the public demo credentials are in use and the backend listens on every interface/);
});

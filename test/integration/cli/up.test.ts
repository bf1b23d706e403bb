/**
 * `npm start` (v2x up) for real: it starts its own Kafka, the backend with every role and a small
 * simulated fleet, prints its ready line, the dashboard URL and where the API tokens are configured
 * (never a token: issue 19) within the deadline; GET / answers (the bundle, or the 503 page saying to build it), /api/v1/vehicles fills
 * up with the simulated cars, and Ctrl-C (SIGINT) stops everything it started: no process left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers/poll.js';
import { descendants, isAlive } from '../../helpers/process.js';

/** The CLI entry of the build these tests were compiled with (bin/v2x.js runs dist/'s). */
const CLI = fileURLToPath(new URL('../../../cli/run.js', import.meta.url));
/** The dashboard bundle that build serves, when it has one (npm run build makes it). */
const BUNDLE_INDEX = fileURLToPath(new URL('../../../dashboard/index.html', import.meta.url));

test(
  'v2x up: ready line, dashboard URL, no tokens printed, cars in the API, and Ctrl-C leaves no process behind',
  { timeout: 180_000 },
  async (t) => {
    const env = { ...process.env };
    delete env.KAFKA_BROKERS; // start its own Kafka, as `npm start` on a fresh machine does
    const stateDir = mkdtempSync(join(tmpdir(), 'v2x-up-test-'));
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));
    const child = spawn(
      process.execPath,
      [CLI, 'up', '--cars', '50', '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0', '--log-level', 'warn'],
      {
        env: { ...env, V2X_KAFKA__STATE_DIR: stateDir, V2X_SIM__WORKERS: '1' }, // no developer's `v2x kafka start` instance is reused
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
    const lines = await new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ready lines within 90 s; stdout:\n${out}\nstderr:\n${err.slice(-2000)}`)),
        90_000,
      );
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const all = out.split('\n');
        if (all.some((l) => l.startsWith('simulator: '))) {
          clearTimeout(timer);
          resolve(all);
        }
      });
      child.once('exit', (code) => reject(new Error(`v2x up exited (${code}) before it was ready; stderr:\n${err.slice(-2000)}`)));
    });
    const ready = lines.find((l) => l.startsWith('v2x ready')) ?? '';
    t.diagnostic(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s: ${ready}`);
    assert.match(ready, /kafka 127\.0\.0\.1:\d+ \| mqtt mqtt:\/\/127\.0\.0\.1:\d+ \| mqtt-ws ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
    const dash = /^dashboard: (http:\/\/localhost:\d+)\/$/.exec(lines.find((l) => l.startsWith('dashboard: ')) ?? '');
    assert.ok(dash, `a dashboard URL line in:\n${out}`);
    const url = dash[1] as string;
    // the backend as several processes (on one core: one, said so)
    assert.match(
      lines.find((l) => l.startsWith('processes: ')) ?? '',
      /^processes: (\d+ processes for .*edge-1 \(broker\+bridge\).*services|one process \(one core\))/,
    );
    assert.ok(lines.includes('tokens: in api.tokens (3, the demo tokens of docs/security.md); set V2X_API__TOKENS for your own'), out);
    assert.doesNotMatch(out, /demo-(viewer|operator|admin)-token/, 'no token on stdout');
    assert.match(
      lines.find((l) => l.startsWith('simulator: ')) ?? '',
      /^simulator: 50 cars on the built-in city -> mqtt:\/\/127\.0\.0\.1:\d+$/,
    );

    const index = await fetch(`${url}/`);
    if (existsSync(BUNDLE_INDEX)) {
      assert.equal(index.status, 200);
      assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    } else {
      assert.equal(index.status, 503, 'no bundle in this build: the page says how to make one');
      assert.match(await index.text(), /npm run build/);
    }

    // parked cars may start asleep (not connected): most of the fleet, with positions, is enough
    let listed = 0;
    await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/vehicles?status=online&bbox=-180,-90,180,90&limit=1`, {
          headers: { authorization: 'Bearer demo-viewer-token' },
        });
        listed = ((await res.json()) as { total: number }).total;
        return listed >= 25;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the simulated cars online with positions in /api/v1/vehicles' },
    );
    t.diagnostic(`${listed} cars online with positions`);
    // one view of every process on the public port
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string; processes?: { name: string; state: string }[] };
    assert.equal(health.status, 'ok');
    for (const p of health.processes ?? []) assert.equal(p.state, 'running', p.name);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    if (health.processes !== undefined) assert.match(metrics, /v2x_broker_connected_clients\{process="edge-1",role="edge"\} \d+/);
    const started_ = descendants(child.pid!);
    assert.ok(started_.length > 0, 'it started a Kafka');
    // the services yield the cores to the edge (stack.servicesNice 5), the fleet does not (stack.fleetNice 0): decision 0040
    if (health.processes !== undefined) {
      const cmd = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const backends = started_.filter((pid) => cmd(pid).includes('backend-process-main.js'));
      const edge = backends.find((pid) => cmd(pid).includes('--single-threaded-gc'));
      const services = backends.find((pid) => !cmd(pid).includes('--single-threaded-gc'));
      const fleet = started_.find((pid) => cmd(pid).includes('fleet-process-main.js'));
      assert.ok(
        edge !== undefined && services !== undefined && fleet !== undefined,
        `edge, services and fleet among ${backends.join(', ')}`,
      );
      assert.equal(getPriority(edge), 0, 'edge niceness');
      assert.equal(getPriority(services), 5, 'services niceness');
      assert.equal(getPriority(fleet), 0, 'fleet niceness');
      if (existsSync(`/proc/${services}/autogroup`)) assert.match(readFileSync(`/proc/${services}/autogroup`, 'utf8'), /nice 5\b/);
    }

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0, `a clean exit on Ctrl-C; stderr:\n${err.slice(-2000)}`);
    assert.match(err, /SIGINT: stopping[\s\S]*stopped/);
    assert.doesNotMatch(err, /internal error/, 'Ctrl-C is no error');
    await waitFor(() => !started_.some(isAlive), { timeoutMs: 15_000, what: `processes ${started_.filter(isAlive).join(', ')} to stop` });
  },
);

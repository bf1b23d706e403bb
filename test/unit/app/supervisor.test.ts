/** The supervisor's logic with stand-in processes (app/supervisor.ts): restart on exit, same ports, stop ends it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSupervisor } from '../../../app/supervisor.js';
import { planStack } from '../../../app/topology.js';
import type { BackendProcess } from '../../../app/backend-process.js';
import { configureLogging } from '../../../core/log.js';
import { waitFor } from '../../helpers/poll.js';
import { basePlanInput } from '../../helpers/plan.js';

configureLogging('silent');

interface Fake extends BackendProcess {
  crash(): void;
  stopped: boolean;
}

function fake(pid: number, mqttUrl: string | undefined): Fake {
  let exit!: (err?: Error) => void;
  const done = new Promise<void>((resolve, reject) => (exit = (err) => (err ? reject(err) : resolve())));
  done.catch(() => undefined);
  const p: Fake = {
    pid,
    roles: [],
    httpUrl: `http://127.0.0.1:${pid}`,
    mqttUrl,
    done,
    stopped: false,
    probe: async () => ({
      cpuUs: 0,
      loopDelayMs: { p50: 0, p99: 0, max: 0, count: 0 },
      gcPauseMs: { p50: 0, p99: 0, max: 0, count: 0 },
      majorGcPauseMs: { p50: 0, p99: 0, max: 0, count: 0 },
      heapUsedMb: 1,
      heapTotalMb: 2,
      externalMb: 0,
      arrayBuffersMb: 0,
      metrics: [{ name: 'v2x_x', help: 'x', type: 'gauge', values: [{ value: pid, labels: {} }] }],
      health: { clients: 1 },
    }),
    async stop() {
      p.stopped = true;
      exit();
    },
    crash: () => exit(new Error('killed by SIGKILL')),
  };
  return p;
}

test('a process that exits unasked is started again with its previous instance; stop() stops all and restarts nothing', async () => {
  const plan = planStack({ ...basePlanInput, cores: 4, roles: ['broker', 'bridge', 'commands'], edges: 2 });
  const started: { name: string; previous: string | undefined; p: Fake }[] = [];
  let pid = 100;
  const sup = await startSupervisor({
    specs: plan.processes,
    restartBaseMs: 5,
    restartMaxMs: 20,
    start: async (spec, previous) => {
      const p = fake(pid++, spec.kind === 'edge' ? (previous?.mqttUrl ?? `mqtt://127.0.0.1:${1883 + spec.index}`) : undefined);
      started.push({ name: spec.name, previous: previous?.mqttUrl, p });
      return p;
    },
  });
  assert.deepEqual(
    started.map((s) => s.name),
    ['edge-1', 'edge-2', 'services'],
  );
  started[1]!.p.crash();
  await waitFor(() => started.length === 4, { timeoutMs: 5000, intervalMs: 5, what: 'edge-2 restarted' });
  assert.equal(started[3]!.name, 'edge-2');
  assert.equal(started[3]!.previous, 'mqtt://127.0.0.1:1885', 'on its previous address');
  const edge2 = sup.processes.find((p) => p.spec.name === 'edge-2')!;
  assert.equal(edge2.restarts, 1);
  assert.equal(edge2.state, 'running');

  const metrics = await sup.metrics();
  assert.match(metrics, /v2x_x\{process="edge-2",role="edge"\} 103/);
  const health = (await sup.health()) as { processes: { name: string; restarts: number }[] };
  assert.deepEqual(
    health.processes.map((p) => `${p.name}:${p.restarts}`),
    ['edge-1:0', 'edge-2:1', 'services:0'],
  );

  await sup.stop();
  assert.ok([started[0], started[2], started[3]].every((s) => s!.p.stopped));
  assert.ok(sup.processes.every((p) => p.state === 'stopped'));
  assert.equal(started.length, 4, 'nothing restarted after stop');
});

test('stop() while a restart is still starting: the start is told to abort and stop() waits for it; a start that finishes anyway is stopped', async () => {
  const plan = planStack({ ...basePlanInput, cores: 4, roles: ['broker', 'bridge', 'commands'], edges: 2 });
  const started: Fake[] = [];
  let pid = 200;
  let slowStart: { resolve: () => void; aborted: boolean } | undefined;
  const sup = await startSupervisor({
    specs: plan.processes,
    restartBaseMs: 5,
    restartMaxMs: 20,
    start: async (spec, previous, signal) => {
      const p = fake(pid++, spec.kind === 'edge' ? `mqtt://127.0.0.1:${1883 + spec.index}` : undefined);
      started.push(p);
      if (previous !== undefined) {
        // the restart hangs until the test lets it finish (a child still joining its Kafka group)
        const gate: { resolve: () => void; aborted: boolean } = { resolve: () => undefined, aborted: false };
        slowStart = gate;
        signal.addEventListener('abort', () => (gate.aborted = true));
        await new Promise<void>((resolve) => (gate.resolve = resolve));
      }
      return p;
    },
  });
  started[0]!.crash();
  await waitFor(() => slowStart !== undefined, { timeoutMs: 5000, intervalMs: 5, what: 'edge-1 restarting' });
  let stopped = false;
  const stopping = sup.stop().then(() => (stopped = true));
  await waitFor(() => slowStart!.aborted, { timeoutMs: 5000, intervalMs: 5, what: 'the start aborted' });
  assert.equal(stopped, false, 'stop() waits for the start under way');
  slowStart!.resolve();
  await stopping;
  assert.ok(started[3]!.stopped, 'the instance that finished starting during stop() was stopped');
  assert.ok([started[1], started[2]].every((p) => p!.stopped));
  assert.equal(started.length, 4, 'nothing else started');
});

/**
 * `v2x up`, what `npm start` runs: the whole demo from one command. Kafka (a local one, or
 * KAFKA_BROKERS / --brokers), the backend laid out over the machine's cores (cli/stack.ts,
 * decision 0026: edges with the embedded MQTT broker and the uplink, a services process with the
 * commands, geofencing, traffic, the REST API and the dashboard on backend.httpPort, default 3000;
 * --single-process for one process), and the simulator in a child process with dashboard.demoCars
 * cars (default 1,000, --cars N, 0 = none) on the configured city, spread over the edges. On a
 * terminal it shows a short ready screen and a live status line (cli/ready-screen.ts); piped, plain
 * lines. With --broker URL (or bridge.brokerUrl) the bridge and the simulator use that broker and no
 * embedded broker starts. It says where the API tokens are configured, never the tokens themselves;
 * it is the demo, so the public demo credentials are allowed (`v2x backend --demo`), with a warning
 * when it listens on every interface. A simulator at sim.speedup > 1 stamps its cars' messages ahead
 * of the wall clock, so then the clock-skew bound (bridge.maxClockSkewMs) is off. Ctrl-C stops it
 * all, the simulator first.
 */
import type { DeepReadonly } from '../../core/config/load.js';
import type { Config } from '../../app/config-schema.js';
import { runCleanups, shutdownRequested } from '../../core/lifecycle.js';
import type { LeafCommand } from '../command.js';
import { progressLine } from '../progress.js';
import { plainReadyLines, readyScreen, statusText, type StatusSample } from '../ready-screen.js';
import { startDemoSimulator, startStack, type DemoSimulator, type Stack } from '../stack.js';
import { stackOptions } from './backend.js';
import { demoCredentials, demoWarning } from '../demo-credentials.js';

const isTty = (s: NodeJS.WritableStream): boolean => (s as { isTTY?: boolean }).isTTY === true;

export const upCommand: LeafCommand = {
  name: 'up',
  summary: 'start the whole demo: Kafka, broker, bridge, services, API, dashboard and 1,000 simulated cars; Ctrl-C stops it all',
  options: {
    ...stackOptions,
    cars: { type: 'string', valueName: 'N', description: 'cars the simulator drives (0 = no simulator)', config: 'dashboard.demoCars' },
    broker: {
      type: 'string',
      valueName: 'URL',
      description: 'an external MQTT broker (mqtt://host:port): the bridge and the simulator use it, no embedded broker starts',
      config: 'bridge.brokerUrl',
    },
  },
  async run({ config: loaded, stdout, stderr }) {
    const started = performance.now();
    const stopRequested = shutdownRequested();
    const progress = progressLine(stderr);
    const external = loaded.bridge.brokerUrl !== '';
    const roles = external ? loaded.backend.roles.filter((r) => r !== 'broker') : loaded.backend.roles;
    const unbounded = loaded.sim.speedup > 1 && loaded.dashboard.demoCars > 0 && loaded.bridge.maxClockSkewMs > 0;
    const config: DeepReadonly<Config> = {
      ...loaded,
      backend: { ...loaded.backend, roles },
      bridge: unbounded ? { ...loaded.bridge, maxClockSkewMs: 0 } : loaded.bridge,
    };
    if (unbounded) stderr.write(`sim.speedup is ${loaded.sim.speedup}: the cars' clocks run ahead, bridge.maxClockSkewMs is off\n`);
    const warning = demoWarning(config);
    if (warning !== undefined) stderr.write(warning);
    let status: NodeJS.Timeout | undefined;
    try {
      const stack = await startStack(config, progress);
      const brokerUrl = external ? config.bridge.brokerUrl : stack.mqttUrls.length > 0 ? stack.mqttUrls.join(',') : undefined;
      const cars = config.dashboard.demoCars;
      let sim: DemoSimulator | undefined;
      if (cars > 0 && brokerUrl !== undefined) {
        progress.update(`starting ${cars} simulated cars`);
        sim = await startDemoSimulator(config, brokerUrl, cars, !external);
        const s = sim;
        void s.done.then(
          () => undefined,
          (err: unknown) => stderr.write(`v2x up: the simulator stopped: ${(err as Error).message}\n`),
        );
        if (!isTty(stderr)) void s.ramped.then(() => stderr.write(`simulator: ${s.cars} cars connected\n`));
      }
      progress.done();
      const demo = demoCredentials(config).some((d) => d.startsWith('api.tokens'));
      const info = {
        stack,
        seconds: (performance.now() - started) / 1000,
        tokens:
          config.api.tokens.length === 0
            ? undefined
            : `in api.tokens (${config.api.tokens.length}${demo ? ', the demo tokens of docs/security.md' : ''}); set V2X_API__TOKENS for your own`,
        simulator:
          sim === undefined
            ? undefined
            : `${sim.cars} cars on ${config.sim.city === 'builtin' ? 'the built-in city' : config.sim.city} -> ${sim.brokerUrl}`,
      };
      stdout.write(`${(isTty(stdout) ? readyScreen(info) : plainReadyLines(info)).join('\n')}\n`);
      if (isTty(stderr)) status = liveStatus(stack, sim, progress);
    } catch (err) {
      progress.done();
      await runCleanups();
      throw err;
    }
    const signal = await stopRequested;
    clearInterval(status);
    progress.done();
    stderr.write(`${signal}: stopping\n`);
    await runCleanups();
    stderr.write('stopped\n');
    return 0;
  },
};

/** Rewrites the status line every second (a terminal only). */
function liveStatus(stack: Stack, sim: DemoSimulator | undefined, progress: ReturnType<typeof progressLine>): NodeJS.Timeout {
  let before: StatusSample | undefined;
  let at = performance.now();
  const tick = (): void => {
    const procs = stack.supervisor?.processes ?? [];
    const now: StatusSample = {
      cars: sim?.cars ?? 0,
      ...(sim?.sample() ?? { connected: 0, telemetry: 0 }),
      running: stack.supervisor === undefined ? 1 : procs.filter((p) => p.state === 'running').length,
      processes: stack.supervisor === undefined ? 1 : procs.length,
      restarts: procs.reduce((n, p) => n + p.restarts, 0),
    };
    const t = performance.now();
    progress.update(statusText(now, before, (t - at) / 1000));
    before = now;
    at = t;
  };
  tick();
  const timer = setInterval(tick, 1000);
  timer.unref();
  return timer;
}

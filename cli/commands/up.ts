/**
 * `v2x up`, what `npm start` runs: the whole demo from one command. Kafka (a local one, or
 * KAFKA_BROKERS / --brokers), every backend role in this process (the embedded MQTT broker, the
 * bridge, the services, the REST API and the dashboard on backend.httpPort, default 3000), and the
 * simulator in a child process (so the cars never share the backend's event loop) with
 * dashboard.demoCars cars (default 1,000, --cars N, 0 = none) on the configured city. It prints
 * the dashboard URL and where the API tokens are configured, never the tokens themselves. It is the
 * demo: the public demo credentials are allowed (`v2x backend --demo`), with a warning on stderr
 * when it listens on every interface. A simulator at sim.speedup > 1 stamps its cars' messages
 * ahead of the wall clock, so then the clock-skew bound (bridge.maxClockSkewMs) is off. With --broker URL (or bridge.brokerUrl) the bridge and the
 * simulator use that broker and no embedded broker starts. Ctrl-C stops it all, the simulator first.
 */
import type { DeepReadonly } from '../../core/config/load.js';
import type { Config } from '../../app/config-schema.js';
import { runCleanups, shutdownRequested } from '../../core/lifecycle.js';
import type { LeafCommand } from '../command.js';
import { progressLine } from '../progress.js';
import { describeStack, startDemoSimulator, startStack } from '../stack.js';
import { stackOptions } from './backend.js';
import { demoCredentials, demoWarning } from '../demo-credentials.js';

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
    try {
      const stack = await startStack(config, progress);
      const brokerUrl = external ? config.bridge.brokerUrl : stack.backend.broker?.tcpUrl;
      const cars = config.dashboard.demoCars;
      let sim: Awaited<ReturnType<typeof startDemoSimulator>> | undefined;
      if (cars > 0 && brokerUrl !== undefined) {
        progress.update(`starting ${cars} simulated cars`);
        sim = await startDemoSimulator(config, brokerUrl, cars, !external);
        const s = sim;
        void s.done.then(
          () => undefined,
          (err: unknown) => stderr.write(`v2x up: the simulator stopped: ${(err as Error).message}\n`),
        );
        void s.ramped.then(() => stderr.write(`simulator: ${s.cars} cars connected\n`));
      }
      progress.done();
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      stdout.write(`v2x ready in ${secs}s: ${describeStack(stack)} | Ctrl-C to stop\n`);
      if (stack.backend.services.has('dashboard'))
        stdout.write(`dashboard: ${stack.backend.httpUrl.replace('//127.0.0.1:', '//localhost:')}/\n`);
      if (config.api.tokens.length > 0) {
        const demo = demoCredentials(config).some((d) => d.startsWith('api.tokens'));
        stdout.write(
          `tokens: in api.tokens (${config.api.tokens.length}${demo ? ', the demo tokens of docs/security.md' : ''}); set V2X_API__TOKENS for your own\n`,
        );
      }
      stdout.write(
        sim === undefined
          ? 'simulator: off (--cars 0)\n'
          : `simulator: ${sim.cars} cars on ${config.sim.city === 'builtin' ? 'the built-in city' : config.sim.city} -> ${sim.brokerUrl}\n`,
      );
    } catch (err) {
      progress.done();
      await runCleanups();
      throw err;
    }
    stderr.write(`${await stopRequested}: stopping\n`);
    await runCleanups();
    stderr.write('stopped\n');
    return 0;
  },
};

/** `v2x backend`: the broker and the bridge (and, later, the services), in one process or by role. */
import { runCleanups, shutdownRequested } from '../../core/lifecycle.js';
import type { LeafCommand, OptionSpec } from '../command.js';
import { progressLine } from '../progress.js';
import { describeStack, startStack } from '../stack.js';

export const stackOptions: Readonly<Record<string, OptionSpec>> = {
  brokers: {
    type: 'string',
    valueName: 'HOST:PORT,...',
    description: 'Kafka bootstrap servers (default: a local Kafka)',
    config: 'kafka.brokers',
  },
  'mqtt-port': { type: 'string', valueName: 'PORT', description: 'MQTT over TCP port (0 = any free port)', config: 'mqtt.port' },
  'ws-port': { type: 'string', valueName: 'PORT', description: 'MQTT over WebSocket port (0 = any free port)', config: 'mqtt.wsPort' },
  'http-port': { type: 'string', valueName: 'PORT', description: 'HTTP port (0 = any free port)', config: 'backend.httpPort' },
  network: {
    type: 'string',
    valueName: 'FILE',
    description: 'road network (SUMO .net.xml, OpenStreetMap .osm, GeoJSON) for the traffic service and the simulated cars',
    config: 'sim.city',
  },
  'no-auth': {
    type: 'boolean',
    description: 'accept any MQTT client without credentials (broker load tests)',
    config: 'mqtt.auth',
    negate: true,
  },
};

export const backendCommand: LeafCommand = {
  name: 'backend',
  summary: 'run the backend: MQTT broker, bridge, commands, geofencing, traffic, API and dashboard (all roles, or --roles)',
  options: {
    roles: {
      type: 'string',
      valueName: 'LIST',
      description: 'comma-separated roles: broker,bridge,commands,geofencing,traffic,dashboard',
      config: 'backend.roles',
    },
    ...stackOptions,
  },
  async run({ config, stdout, stderr }) {
    const stopRequested = shutdownRequested();
    const progress = progressLine(stderr);
    try {
      const stack = await startStack(config, progress);
      progress.done();
      stdout.write(`v2x backend ready (${config.backend.roles.join('+')}): ${describeStack(stack)}\n`);
    } catch (err) {
      progress.done();
      await runCleanups();
      throw err;
    }
    stderr.write(`${await stopRequested}: stopping\n`);
    await runCleanups();
    return 0;
  },
};

/**
 * `v2x backend`: the broker, the bridge and the services, in one process or by role. It refuses to
 * start with the public demo fleet key or demo API tokens unless --demo (cli/demo-credentials.ts).
 */
import { runCleanups, shutdownRequested } from '../../core/lifecycle.js';
import { demoWarning, refuseDemoCredentials } from '../demo-credentials.js';
import type { LeafCommand, OptionSpec } from '../command.js';
import { progressLine } from '../progress.js';
import { describeLayout, describeStack, startStack } from '../stack.js';

export const stackOptions: Readonly<Record<string, OptionSpec>> = {
  brokers: {
    type: 'string',
    valueName: 'HOST:PORT,...',
    description: 'Kafka bootstrap servers (default: a local Kafka)',
    config: 'kafka.brokers',
  },
  'mqtt-port': { type: 'string', valueName: 'PORT', description: 'MQTT over TCP port (0 = any free port)', config: 'mqtt.port' },
  'ws-port': { type: 'string', valueName: 'PORT', description: 'MQTT over WebSocket port (0 = any free port)', config: 'mqtt.wsPort' },
  'max-connect-rate': {
    type: 'string',
    valueName: 'N',
    description: 'CONNECTs each edge accepts per second (more get CONNACK 3 and retry; default 1000, 0 = unlimited)',
    config: 'mqtt.maxConnectRate',
  },
  'http-port': { type: 'string', valueName: 'PORT', description: 'HTTP port (0 = any free port)', config: 'backend.httpPort' },
  'single-process': {
    type: 'boolean',
    description: 'every backend role in this one process (default: edges and a services process, sized to the cores)',
    config: 'stack.singleProcess',
  },
  edges: { type: 'string', valueName: 'N', description: 'edge processes (broker + uplink); 0 = max(1, cores / 2)', config: 'stack.edges' },
  'geofencing-instances': {
    type: 'string',
    valueName: 'N',
    description: 'geofencing consumer-group members (processes)',
    config: 'stack.instances.geofencing',
  },
  'traffic-instances': {
    type: 'string',
    valueName: 'N',
    description: 'traffic instances (processes), sharing the cars and the roads',
    config: 'stack.instances.traffic',
  },
  'commands-instances': {
    type: 'string',
    valueName: 'N',
    description: 'command service instances (processes), each with its downlink and API',
    config: 'stack.instances.commands',
  },
  redis: {
    type: 'string',
    valueName: 'URL',
    description: 'Redis for clustered edges (default: a local redis-server)',
    config: 'stack.redisUrl',
  },
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
    demo: {
      type: 'boolean',
      description: 'allow the public demo fleet key and API tokens (refused without it: set mqtt.fleetKey and api.tokens)',
    },
    ...stackOptions,
  },
  async run({ config, options, stdout, stderr }) {
    const demo = options.demo === true;
    refuseDemoCredentials(config, demo);
    const warning = demo ? demoWarning(config) : undefined;
    if (warning !== undefined) stderr.write(warning);
    const stopRequested = shutdownRequested();
    const progress = progressLine(stderr);
    try {
      const stack = await startStack(config, progress);
      progress.done();
      stdout.write(`v2x backend ready (${config.backend.roles.join('+')}): ${describeStack(stack)}\n`);
      stdout.write(`processes: ${describeLayout(stack)}\n`);
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

/**
 * `v2x sim`: the fleet simulator against any MQTT broker. Flags are the `sim` config section
 * (simulator/config.ts); this file only shows progress (a ramp bar, a live status line that is one
 * plain line every few seconds in a CI log), prints the summary and maps errors to exit codes
 * (2 bad input, 1 runtime failure). `v2x sim export-network` (or --export-network FILE) writes the
 * road network GeoJSON the backend and the dashboard load. `--replay FILE` drives the cars from a
 * recorded trace (CSV or SUMO FCD) instead of the traffic model (docs/simulator.md, Replay).
 */
import { writeFileSync } from 'node:fs';
import { shutdownRequested } from '../../core/lifecycle.js';
import { resolveSimSettings } from '../../simulator/config.js';
import { exportGeoJson } from '../../road/geojson-export.js';
import { loadScenarioFile } from '../../simulator/scenario/scenario.js';
import { Simulation, type RunPhase } from '../../simulator/runtime/simulation.js';
import { formatSummary, rampBar, statusLine } from '../../simulator/runtime/summary.js';
import type { UnitStats } from '../../simulator/runtime/messages.js';
import { loadNetwork } from '../../simulator/runtime/world.js';
import type { LeafCommand, OptionSpec } from '../command.js';
import { progressLine } from '../progress.js';

const str = (valueName: string, description: string, config: string): OptionSpec => ({ type: 'string', valueName, description, config });

export const simOptions: Readonly<Record<string, OptionSpec>> = {
  broker: str('URL', 'MQTT broker, mqtt://host:port or mqtts://host:port', 'sim.broker'),
  cars: str('N', 'cars in the fleet', 'sim.cars'),
  seed: str('S', 'seed of the fleet, the city and the traffic', 'sim.seed'),
  network: str('FILE', 'road network: a SUMO .net.xml, OpenStreetMap .osm or GeoJSON file (default: the built-in city)', 'sim.city'),
  city: str('builtin|FILE', 'the same as --network (builtin: the generated city)', 'sim.city'),
  scenario: str('FILE', 'scenario file (YAML/JSON): city, incidents', 'sim.scenario'),
  duration: str('D', 'run time, e.g. 90s, 10m (0 = until Ctrl-C)', 'sim.duration'),
  'mqtt-version': str('3.1.1|5', 'MQTT protocol version', 'sim.mqttVersion'),
  qos: str('0|1|2', 'QoS of telemetry and events', 'sim.qos'),
  rate: str('HZ', 'telemetry messages per car per simulated second', 'sim.rate'),
  speedup: str('N', 'run the model N times faster than real time (timestamps in simulated time)', 'sim.speedup'),
  codec: str('json|binary', 'payload codec', 'sim.codec'),
  'ramp-rate': str('N', 'new connections per second', 'sim.rampRate'),
  credentials: str('fleet-key|none', 'fleet-key: username VIN, password from the fleet key; none: anonymous', 'sim.credentials'),
  'fleet-key': str('KEY', "key the cars' passwords derive from", 'sim.fleetKey'),
  'ca-file': str('FILE', 'PEM CA for mqtts://', 'sim.caFile'),
  persistent: {
    type: 'boolean',
    description: 'persistent sessions (commands queued while offline are delivered)',
    config: 'sim.clean',
    negate: true,
  },
  keepalive: str('S', 'MQTT keepalive, seconds', 'sim.keepalive'),
  'connect-timeout': str('S', 'fail when no car connects within S seconds', 'sim.connectTimeoutS'),
  workers: str('N', 'worker threads per process (0 = one per core)', 'sim.workers'),
  processes: str('N', 'processes (0 = as needed, at most 18,000 cars each)', 'sim.processes'),
  'source-addresses': str('A,B,...', 'local source addresses to spread connections over', 'sim.sourceAddresses'),
  shard: str('i/n', 'drive slice i of n of the fleet', 'sim.shard'),
  'summary-json': str('FILE', 'write the summary as JSON', 'sim.summaryJson'),
  'ground-truth': str(
    'FILE',
    "write ground truth JSONL (incidents, per-segment truth every 10 s, warned drivers' decisions)",
    'sim.groundTruth',
  ),
  'reroute-share': str('X', 'share of cars warned of a jam ahead that take a detour, 0..1 (0 = none)', 'sim.rerouteShare'),
  'reroute-when': str(
    'always|faster',
    'a drawn driver always takes the detour, or only when it is expected to be faster',
    'sim.rerouteWhen',
  ),
  traffic: str('fleet|slice', 'model the whole fleet in every worker, or only its own cars', 'sim.traffic'),
  'start-time': str('ISO', "the cars' clock at the start (default: now)", 'sim.startTime'),
  'gps-noise': str('M', 'GPS white noise of every fix, metres per axis', 'sim.gpsNoiseM'),
  'gps-drift': str('M', "GPS wandering offset (each car's Gauss-Markov error), metres per axis", 'sim.gpsDriftM'),
  'gps-drift-tau': str('S', 'correlation time of the GPS wandering offset, seconds', 'sim.gpsDriftTauS'),
  'command-delay-scale': str('X', "multiply the commands' execution times (0: at once)", 'sim.commandDelayScale'),
  'no-sleep': { type: 'boolean', description: 'parked cars stay connected', config: 'sim.sleep', negate: true },
  'coverage-holes': str('N', 'coverage holes per driving hour per car', 'sim.coverageHolesPerHour'),
  'export-network': { type: 'string', valueName: 'FILE', description: 'write the road network GeoJSON to FILE and exit' },
  out: { type: 'string', valueName: 'FILE', description: 'with export-network: output file (default stdout)' },
  replay: str('FILE', 'replay a recorded trace (CSV or SUMO FCD XML with geo coordinates) instead of the traffic model', 'sim.replay'),
  'replay-speed': str('N', 'replay speed: 1 = the recorded pace, 10 = ten times faster', 'sim.replaySpeed'),
  'replay-timestamps': str(
    'rebased|recorded',
    "rebased: the cars' timestamps start now; recorded: as in the trace",
    'sim.replayTimestamps',
  ),
  'replay-ids': str('vin|map', 'trace ids must be VINs, or get generated VINs (default: vin for CSV, map for FCD)', 'sim.replayIds'),
  'replay-begin': str('ISO', 'SUMO FCD: the epoch of FCD time 0', 'sim.replayBegin'),
};

export const simCommand: LeafCommand = {
  name: 'sim',
  summary: 'simulate a fleet of connected cars, each a real MQTT session, driving a road network',
  usage: '[export-network] --broker mqtt://host:port --cars N --seed S',
  positionals: { min: 0, max: 1 },
  options: simOptions,
  help: 'Exit codes: 0 done, 2 bad input (flags, scenario, refused credentials), 1 runtime failure (unreachable broker).',
  async run({ config, options, positionals, stdout, stderr }) {
    const settings = resolveSimSettings(config.sim);
    const action = positionals[0];
    if (action !== undefined && action !== 'export-network') {
      stderr.write(`v2x sim: unknown action "${action}" (expected export-network)\n`);
      return 2;
    }
    const exportTo =
      typeof options['export-network'] === 'string'
        ? options['export-network']
        : action === 'export-network'
          ? ((options.out as string | undefined) ?? '-')
          : undefined;
    if (exportTo !== undefined) {
      const scenario = settings.scenario === '' ? undefined : loadScenarioFile(settings.scenario);
      const text = `${JSON.stringify(exportGeoJson(loadNetwork(settings, scenario)))}\n`;
      if (exportTo === '-') stdout.write(text);
      else {
        writeFileSync(exportTo, text);
        stderr.write(`wrote the road network to ${exportTo}\n`);
      }
      return 0;
    }
    if (settings.scenario !== '') loadScenarioFile(settings.scenario); // bad input fails before any thread starts
    const sim = await Simulation.create(settings);
    for (const w of sim.trace?.warnings ?? []) stderr.write(`v2x sim: warning: ${w}\n`);
    const tty = (stderr as { isTTY?: boolean }).isTTY === true;
    const progress = progressLine(stderr, tty);
    const every = tty ? 1000 : settings.statusIntervalMs;
    let lastAt = 0;
    let lastStats: UnitStats | undefined;
    stderr.write(
      `v2x sim: ${sim.cars} cars (${settings.shard.index}/${settings.shard.count} of ${sim.settings.cars}) -> ${settings.broker.host}:${settings.broker.port}, ` +
        `${sim.processes} process(es) x ${sim.workers} worker(s), MQTT ${settings.protocolVersion === 5 ? '5' : '3.1.1'} QoS ${settings.qos}, ${settings.rateHz} Hz, ` +
        (sim.trace === undefined
          ? `speedup ${settings.speedup}\n`
          : `replay of ${sim.trace.source} (${sim.trace.stats.fixes} fixes) at speed ${settings.speedup}\n`),
    );
    const onUpdate = (phase: RunPhase, stats: UnitStats, cars: number): void => {
      const now = performance.now();
      if (now - lastAt < every && phase !== 'stopping') return;
      const secs = lastAt === 0 ? 0 : (now - lastAt) / 1000;
      lastAt = now;
      if (phase === 'starting') progress.update(`building the world and ${cars} cars...`);
      else if (phase === 'ramp') progress.update(`ramp ${rampBar(stats.mqtt.states.connected, cars)}`);
      else if (phase === 'running') progress.update(statusLine(cars, stats, lastStats, secs));
      lastStats = stats;
    };
    try {
      const summary = await sim.run({ onUpdate, stopRequested: shutdownRequested() });
      progress.done();
      stdout.write(`${formatSummary(summary)}\n`);
      if (settings.summaryJson !== '') stderr.write(`summary written to ${settings.summaryJson}\n`);
      return 0;
    } finally {
      progress.done();
    }
  },
};

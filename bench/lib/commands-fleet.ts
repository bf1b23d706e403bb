/**
 * The fleet of bench/commands.ts in its own process (as `v2x sim` would run beside a backend): a
 * Simulation from the sim.* flags given as JSON in argv[2]. Reports each update to the parent over
 * IPC ({type: 'update', phase, connected, telemetry}); stops on {type: 'stop'}, then exits.
 */
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../core/config/load.js';
import { configureLogging } from '../../core/log.js';
import { resolveSimSettings, simConfigSchema } from '../../simulator/config.js';
import { Simulation } from '../../simulator/runtime/simulation.js';

configureLogging('warn');
const flags = JSON.parse(process.argv[2] ?? '{}') as Record<string, string | number | boolean>;
const settings = resolveSimSettings(loadConfig(Type.Object({ sim: simConfigSchema }), { flags }).sim);
let requestStop!: () => void;
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
process.on('message', (m: { type?: string }) => {
  if (m.type === 'stop') requestStop();
});
process.on('disconnect', () => requestStop());
await new Simulation(settings).run({
  stopRequested,
  onUpdate: (phase, s) =>
    process.send?.({ type: 'update', phase, connected: s.mqtt.states.connected, telemetry: s.sim.published.telemetry }),
});
process.exit(0);

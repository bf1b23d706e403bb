/**
 * Child process entry of fleet-process.ts: builds the Simulation from the sim config its parent
 * sends, runs it and reports over IPC; stops on 'stop' or when the parent goes away.
 */
import { toV2xError } from '../../core/errors.js';
import { configureLogging } from '../../core/log.js';
import { resolveSimSettings } from '../config.js';
import type { FleetToParent, ParentToFleet } from './fleet-process.js';
import { Simulation } from './simulation.js';

const send = (m: FleetToParent): void => {
  if (process.connected) process.send?.(m);
};
/** The last word, delivered before the exit (process.send is asynchronous). */
const finish = (m: FleetToParent, code: number): void => {
  if (process.connected && process.send !== undefined) process.send(m, () => process.exit(code));
  else process.exit(code);
};
let requestStop!: () => void;
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
process.on('disconnect', () => requestStop());

process.on('message', (m: ParentToFleet) => {
  if (m.type === 'stop') requestStop();
  if (m.type !== 'start') return;
  configureLogging(m.logLevel, m.logFormat ?? 'json');
  void (async () => {
    try {
      const sim = await Simulation.create(resolveSimSettings(m.sim));
      send({ type: 'ready', cars: sim.cars });
      await sim.run({
        stopRequested,
        onUpdate: (phase, s) => send({ type: 'update', phase, connected: s.mqtt.states.connected, telemetry: s.sim.published.telemetry }),
      });
      finish({ type: 'done' }, 0);
    } catch (err) {
      const e = toV2xError(err);
      finish({ type: 'done', error: { code: e.code, message: e.message } }, 1);
    }
  })();
});

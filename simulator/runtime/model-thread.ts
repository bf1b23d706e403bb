/**
 * Thread entry of the shared traffic model (docs/decisions/0029-traffic-model-thread.md): builds
 * the World of the whole fleet, then steps it as far ahead of the MQTT workers as the tick ring
 * allows (traffic-pump.ts), waiting on their progress in between; between two ticks the drivers of
 * the warnings the workers' cars received decide (warned-drivers.ts). Posts ground-truth records, a
 * 'fatal' message when the world cannot be built, and ends when the coordinator asks it to stop.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { toV2xError } from '../../core/errors.js';
import type { SimSettings } from '../config.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { DriverWarning } from '../traffic/warned-drivers.js';
import { H, STATE, type SharedTrafficBuffers } from './shared-traffic.js';
import { TrafficPump } from './traffic-pump.js';
import { World } from './world.js';

export interface ModelThreadInit {
  readonly settings: SimSettings;
  readonly buffers: SharedTrafficBuffers;
  readonly groundTruth: boolean;
}

/** From the coordinator: a car's warning (read between ticks with receiveMessageOnPort: this thread never idles in its event loop). */
export type ModelThreadInput = { readonly type: 'warning'; readonly warning: DriverWarning };

export type ModelThreadMessage =
  | { readonly type: 'truth'; readonly records: readonly GroundTruthRecord[] }
  | { readonly type: 'fatal'; readonly code: string; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('simulator/runtime/model-thread.js must run in a worker thread');
const init = workerData as ModelThreadInit;
const post = (m: ModelThreadMessage): void => port.postMessage(m);

let pump: TrafficPump | undefined;
let world: World | undefined;
try {
  world = new World(init.settings, { groundTruth: init.groundTruth, start: 0, end: init.buffers.cars });
  pump = new TrafficPump(world, init.buffers);
} catch (err) {
  Atomics.store(new Int32Array(init.buffers.header), H.STATE, STATE.FAILED);
  const e = toV2xError(err);
  post({ type: 'fatal', code: e.code, message: e.message });
}

/** The warnings that came since the last tick: their drivers decide now. */
const takeWarnings = (w: World): void => {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const input = m.message as ModelThreadInput;
    if (input.type === 'warning') w.warned.receive(input.warning);
  }
};

if (pump !== undefined && world !== undefined) {
  const p = pump;
  const w = world;
  while (!p.stopRequested) {
    takeWarnings(w);
    if (!p.canStep()) {
      p.waitForReaders(100);
      continue;
    }
    p.step();
    if (init.groundTruth) {
      const records = p.takeRecords();
      if (records.length > 0) post({ type: 'truth', records });
    }
  }
}
port.close();

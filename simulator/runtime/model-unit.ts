/**
 * The parent's handle on the traffic model thread (model-thread.ts): started by a coordinator of
 * worker threads when the fleet's traffic is modelled once for all of them (`--traffic fleet`).
 */
import { Worker } from 'node:worker_threads';
import { V2xError } from '../../core/errors.js';
import type { SimSettings } from '../config.js';
import type { GroundTruthRecord } from '../traffic/ground-truth.js';
import type { DriverWarning } from '../traffic/warned-drivers.js';
import type { ModelThreadInit, ModelThreadInput, ModelThreadMessage } from './model-thread.js';
import { createSharedTraffic, H, STATE, type SharedTrafficBuffers } from './shared-traffic.js';
import { errorFromUnit, WORKER_YOUNG_GENERATION_MB } from './units.js';

export interface ModelUnit {
  readonly buffers: SharedTrafficBuffers;
  /** Rejects when the model thread fails (a bad network or scenario) or ends before it is stopped. */
  readonly failed: Promise<never>;
  /** Hands a car's warning to the model thread (its driver decides there, between two ticks). */
  warn(w: DriverWarning): void;
  /** Asks the thread to stop and waits for it to end. */
  stop(): Promise<void>;
}

export interface ModelUnitOptions {
  readonly settings: SimSettings;
  /** The worker threads that will read the model. */
  readonly readers: number;
  readonly groundTruth: boolean;
  readonly onTruth?: (records: readonly GroundTruthRecord[]) => void;
}

export function startModelUnit(o: ModelUnitOptions): ModelUnit {
  const buffers = createSharedTraffic(o.settings.cars, o.readers);
  const init: ModelThreadInit = { settings: o.settings, buffers, groundTruth: o.groundTruth };
  const worker = new Worker(new URL('./model-thread.js', import.meta.url), {
    workerData: init,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  let stopping = false;
  const header = new Int32Array(buffers.header);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const failed = new Promise<never>((_resolve, reject) => {
    worker.on('message', (m: ModelThreadMessage) => {
      if (m.type === 'truth') o.onTruth?.(m.records);
      else if (m.type === 'fatal') reject(errorFromUnit(m.code, m.message));
    });
    worker.on('error', (err) => reject(new V2xError('INTERNAL', `traffic model thread: ${err.message}`, { cause: err })));
    void exited.then(() => {
      if (!stopping) reject(new V2xError('INTERNAL', 'the traffic model thread ended'));
    });
  });
  failed.catch(() => {}); // observed by the coordinator
  return {
    buffers,
    failed,
    warn(w) {
      if (!stopping) worker.postMessage({ type: 'warning', warning: w } satisfies ModelThreadInput);
    },
    async stop() {
      stopping = true;
      Atomics.store(header, H.STATE, STATE.STOP);
      Atomics.add(header, H.PROGRESS, 1);
      Atomics.notify(header, H.PROGRESS);
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * How a run is spread: processes (each holds at most maxSocketsPerProcess cars: a process here may
 * hold about 20,000 open files) and worker threads per process (one per core by default). Pure.
 */
import { availableParallelism } from 'node:os';
import type { SimSettings } from '../config.js';

export function processesFor(settings: Pick<SimSettings, 'processes' | 'maxSocketsPerProcess'>, cars: number): number {
  const needed = Math.max(1, Math.ceil(cars / settings.maxSocketsPerProcess));
  if (settings.processes === 0) return needed;
  return Math.max(1, Math.min(settings.processes, Math.max(1, cars)));
}

export function workersPerProcess(settings: Pick<SimSettings, 'workers'>, cars: number, cores = availableParallelism()): number {
  const w = settings.workers === 0 ? cores : settings.workers;
  return Math.max(1, Math.min(w, Math.max(1, cars)));
}

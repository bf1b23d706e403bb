/**
 * Worker thread entry: one FleetSlice over the process's shared traffic model (shared-world.ts), its
 * own model of its cars (--traffic slice) or its part of a trace. Speaks only the typed
 * messages of messages.ts with its parent. Posts its stats every second and a final one on stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../../core/clock.js';
import { toV2xError } from '../../core/errors.js';
import { isParentMessage, type ParentToUnit, type UnitInit, type UnitToParent } from './messages.js';
import { replayCars } from './replay-fleet.js';
import { ReplayWorld } from './replay-source.js';
import { SharedWorld } from './shared-world.js';
import { FleetSlice } from './slice.js';
import { World } from './world.js';

const port = parentPort;
if (port === null) throw new Error('simulator/runtime/worker.js must run in a worker thread');
const init = workerData as UnitInit;
const post = (m: UnitToParent): void => port.postMessage(m);

let slice: FleetSlice;
try {
  const replay = init.replay;
  const world =
    replay !== undefined
      ? new ReplayWorld(replay)
      : init.traffic !== undefined
        ? new SharedWorld(init.traffic.buffers, init.start, init.traffic.reader, {
            onWarning: (warning) => post({ type: 'warning', warning }),
          })
        : new World(init.settings, {
            groundTruth: init.groundTruth,
            start: init.start,
            end: init.end,
            onWarned: (warning) => post({ type: 'warning', warning }),
          });
  slice = new FleetSlice({
    ...(replay !== undefined && {
      cars: replayCars(
        init.settings.seed,
        init.start,
        replay.trace.vehicles.map((v) => v.vin),
      ),
    }),
    settings: init.settings,
    world,
    start: init.start,
    end: init.end,
    rampPerSecond: init.rampPerSecond,
    clock: systemClock,
    onSpeedCap: (car, mps) => post({ type: 'speedCap', car, mps }),
    ...(init.groundTruth && { onTruth: (records) => post({ type: 'truth', records }) }),
  });
} catch (err) {
  const e = toV2xError(err);
  post({ type: 'fatal', code: e.code, message: e.message });
  port.close();
  throw err;
}

const stats = (final: boolean): void => {
  post({ type: 'stats', stats: { mqtt: slice.pool.stats.snapshot(), sim: slice.refreshCounters() }, final });
};

let timer: NodeJS.Timeout | undefined;
port.on('message', (m: unknown) => {
  if (!isParentMessage(m)) return;
  const msg = m as ParentToUnit;
  switch (msg.type) {
    case 'start':
      void slice.begin(msg.startWallMs, msg.startEpochMs, msg.controlled === true);
      timer = setInterval(() => stats(false), 1000);
      break;
    case 'speedCap':
      slice.capSpeed(msg.car, msg.mps);
      break;
    case 'warning':
      slice.world.warnFleetCar(msg.warning);
      break;
    case 'control':
      slice.control(msg.control);
      break;
    case 'stop':
      if (timer !== undefined) clearInterval(timer);
      void slice.stop().then(() => {
        stats(true);
        port.close();
      });
      break;
    default:
      break;
  }
});
post({ type: 'ready', cars: slice.cars.length });

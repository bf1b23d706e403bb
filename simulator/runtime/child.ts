/**
 * Child process entry (a process unit): runs a Coordinator of worker threads over the range it is
 * given and relays to its parent over IPC, adding its own CPU time and peak RSS to the stats.
 */
import { toV2xError } from '../../core/errors.js';
import { Coordinator } from './coordinator.js';
import { isParentMessage, type ParentToUnit, type UnitStats, type UnitToParent } from './messages.js';
import { workerUnit } from './units.js';
import { workersPerProcess } from './plan.js';

const send = (m: UnitToParent): void => {
  if (process.connected) process.send?.(m);
};

const withProcess = (s: UnitStats): UnitStats => {
  const cpu = process.cpuUsage();
  return { ...s, cpuUs: cpu.user + cpu.system, maxRssKb: process.resourceUsage().maxRSS };
};

let coordinator: Coordinator | undefined;
let timer: NodeJS.Timeout | undefined;

process.on('message', (m: unknown) => {
  if (!isParentMessage(m)) return;
  const msg = m as ParentToUnit;
  switch (msg.type) {
    case 'init': {
      const { init } = msg;
      const c = new Coordinator({
        settings: init.settings,
        start: init.start,
        end: init.end,
        units: workersPerProcess(init.settings, init.end - init.start),
        factory: workerUnit,
        threads: true,
        groundTruth: init.groundTruth,
        rampPerSecond: init.rampPerSecond,
        label: `${init.label}.w`,
        onTruth: (records) => send({ type: 'truth', records }),
        onSpeedCap: (car, mps) => send({ type: 'speedCap', car, mps }),
        onWarning: (warning) => send({ type: 'warning', warning }),
        onFailure: (e) => send({ type: 'fatal', code: e.code, message: e.message }),
        ...(init.replay !== undefined && { replay: init.replay }),
      });
      coordinator = c;
      c.ready().then(
        (cars) => send({ type: 'ready', cars }),
        (err: unknown) => {
          const e = toV2xError(err);
          send({ type: 'fatal', code: e.code, message: e.message });
          void c.kill().then(() => process.exit(1));
        },
      );
      break;
    }
    case 'start':
      coordinator?.start(msg.startWallMs, msg.startEpochMs, msg.controlled === true);
      timer = setInterval(() => coordinator && send({ type: 'stats', stats: withProcess(coordinator.stats()), final: false }), 1000);
      break;
    case 'speedCap':
      for (const u of coordinator?.units ?? []) u.send(msg);
      break;
    case 'warning':
      coordinator?.warn(msg.warning);
      break;
    case 'control':
      coordinator?.control(msg.control);
      break;
    case 'stop':
      if (timer !== undefined) clearInterval(timer);
      void (coordinator?.stop() ?? Promise.resolve(undefined)).then((s) => {
        if (s !== undefined) send({ type: 'stats', stats: withProcess(s), final: true });
        process.disconnect?.();
        process.exitCode = 0;
      });
      break;
  }
});
// the parent went away: nothing left to drive
process.on('disconnect', () => {
  if (timer !== undefined) clearInterval(timer);
  void coordinator?.kill().then(() => process.exit(0));
});

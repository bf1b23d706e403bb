/**
 * What the simulator counts beyond the MQTT sessions' own stats: messages by kind, commands by
 * outcome, sleep, coverage holes, parking. A plain object so a worker can post it; `addCounters`
 * sums the counters of several workers or processes.
 */
import { addCounts, addFields } from '../../core/sum.js';

export const SENT_KINDS = ['telemetry', 'event', 'status', 'commandResult'] as const;
export type SentKind = (typeof SENT_KINDS)[number];

export interface SimCounters {
  /** Publishes handed to the session (sent now or queued), by kind. */
  readonly published: Record<SentKind, number>;
  /** Telemetry not produced because the car was asleep or not yet started. */
  skipped: number;
  commandsReceived: number;
  /** Hazard warnings received on the cars' warnings topic. */
  warningsReceived: number;
  /** Of those, payloads that did not decode or named another car (dropped). */
  warningsInvalid: number;
  /** Final command results by status (succeeded, failed, rejected). */
  readonly commandResults: Record<string, number>;
  sleeps: number;
  wakes: number;
  coverageHoles: number;
  /** Cars parked off the lane now (of this unit's cars). */
  parkedNow: number;
  /** Cars asleep now. */
  asleepNow: number;
  /** Cars in a coverage hole now (disconnected by design, reconnecting after it). */
  inHoleNow: number;
  /** Cars that have connected at least once. */
  connectedOnce: number;
  /** Simulated seconds reached. */
  simTimeS: number;
}

export function emptyCounters(): SimCounters {
  return {
    published: { telemetry: 0, event: 0, status: 0, commandResult: 0 },
    skipped: 0,
    commandsReceived: 0,
    warningsReceived: 0,
    warningsInvalid: 0,
    commandResults: {},
    sleeps: 0,
    wakes: 0,
    coverageHoles: 0,
    parkedNow: 0,
    asleepNow: 0,
    inHoleNow: 0,
    connectedOnce: 0,
    simTimeS: 0,
  };
}

/** The counters addCounters sums (simTimeS is the minimum instead). */
const SUMMED = [
  'skipped',
  'commandsReceived',
  'warningsReceived',
  'warningsInvalid',
  'sleeps',
  'wakes',
  'coverageHoles',
  'parkedNow',
  'asleepNow',
  'inHoleNow',
  'connectedOnce',
] as const;

export function addCounters(list: readonly SimCounters[]): SimCounters {
  const out = emptyCounters();
  let minTime = Number.POSITIVE_INFINITY;
  for (const c of list) {
    addFields(out.published, c.published, SENT_KINDS);
    addCounts(out.commandResults, c.commandResults);
    addFields(out, c, SUMMED);
    if (c.simTimeS < minTime) minTime = c.simTimeS;
  }
  out.simTimeS = list.length === 0 ? 0 : minTime;
  return out;
}

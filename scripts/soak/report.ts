/**
 * The soak's outputs (pure formatting): one JSON object per minute (for files and pipes), one readable
 * line per minute (for a terminal), and the final result.
 */
import type { LoadFigures } from './load.js';
import type { CommandFigures, TelemetryFigures } from './ledger.js';
import { judgedHeapMb, type ProcessSample } from './metrics.js';
import type { KafkaCounts } from './watch.js';

export interface MinuteReport {
  readonly type: 'minute';
  readonly minute: number;
  readonly elapsed_s: number;
  readonly cars_connected: number;
  readonly telemetry_sent: number;
  readonly processes: Readonly<Record<string, ProcessSample>>;
  readonly consumer_lag: Readonly<Record<string, number>>;
  readonly telemetry: TelemetryFigures;
  readonly commands: CommandFigures & { readonly posted: Readonly<Record<string, number>> };
  readonly kafka: KafkaCounts;
  readonly fences: { readonly created: number; readonly replaced: number; readonly errors: number };
  readonly restarts: number;
}

export function minuteReport(input: {
  minute: number;
  elapsedS: number;
  connected: number;
  sent: number;
  processes: Record<string, ProcessSample>;
  lag: Record<string, number>;
  telemetry: TelemetryFigures;
  commands: CommandFigures;
  load: LoadFigures;
  kafka: KafkaCounts;
  restarts: number;
}): MinuteReport {
  return {
    type: 'minute',
    minute: input.minute,
    elapsed_s: Math.round(input.elapsedS),
    cars_connected: input.connected,
    telemetry_sent: input.sent,
    processes: input.processes,
    consumer_lag: input.lag,
    telemetry: input.telemetry,
    commands: { posted: input.load.commandsByStatus, ...input.commands },
    kafka: input.kafka,
    fences: { created: input.load.fencesCreated, replaced: input.load.fenceReplacements, errors: input.load.fenceErrors },
    restarts: input.restarts,
  };
}

const mb = (v: number | undefined): string => (v === undefined ? '-' : `${Math.round(v)}`);

/** "min 3 | edge-1 212/88 MB 12 ms | ... | lag 40 | telemetry 540,000 lost 0 dup 0 | commands 180 twice 0 | jams 4" */
export function minuteLine(r: MinuteReport): string {
  const procs = Object.entries(r.processes)
    .map(([name, p]) => `${name} ${mb(p.rssMb)}/${mb(judgedHeapMb(p))} MB${p.loopP99Ms === undefined ? '' : ` ${p.loopP99Ms} ms`}`)
    .join(' | ');
  const lag = Object.values(r.consumer_lag).reduce((a, b) => a + b, 0);
  const posted = Object.values(r.commands.posted).reduce((a, b) => a + b, 0);
  return (
    `min ${r.minute} | cars ${r.cars_connected} | ${procs} | lag ${lag} | telemetry ${r.telemetry.found.toLocaleString('en')} ` +
    `lost ${r.telemetry.lost} pending ${r.telemetry.pending} dup ${r.telemetry.duplicates} | commands ${posted} posted ` +
    `${r.commands.succeeded} ok ${r.commands.executedTwice} twice | geofence ${r.kafka.geofenceEvents} jams ${r.kafka.jams} ` +
    `deadletter ${r.kafka.deadletters}${r.restarts > 0 ? ` | RESTARTS ${r.restarts}` : ''}`
  );
}

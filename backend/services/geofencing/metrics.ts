/** Prometheus metrics of the geofencing service, on the process's registry (served at /metrics). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GeofenceEventType } from './types.js';

export type ActionOutcome = 'created' | 'replay' | 'failed' | 'no_command_service';

export interface GeofencingMetrics {
  readonly positions: Counter;
  readonly invalidInput: Counter<'source'>;
  readonly events: Counter<'type'>;
  readonly evaluationSeconds: Histogram;
  readonly fences: Gauge;
  readonly cars: Gauge;
  readonly actions: Counter<'outcome'>;
  event(type: GeofenceEventType): void;
  action(outcome: ActionOutcome): void;
}

export function createGeofencingMetrics(registry: Registry): GeofencingMetrics {
  const registers = [registry];
  const events = new Counter({ name: 'v2x_geofence_events_total', help: 'geofence events, by type', labelNames: ['type'], registers });
  const actions = new Counter({
    name: 'v2x_geofence_actions_total',
    help: 'fence actions (commands) by outcome: created, replay (idempotent), failed, no_command_service (dropped)',
    labelNames: ['outcome'],
    registers,
  });
  return {
    positions: new Counter({ name: 'v2x_geofence_positions_total', help: 'positions (telemetry fixes) evaluated', registers }),
    invalidInput: new Counter({
      name: 'v2x_geofence_invalid_records_total',
      help: 'records skipped: undecodable telemetry, invalid fence records',
      labelNames: ['source'],
      registers,
    }),
    events,
    evaluationSeconds: new Histogram({
      name: 'v2x_geofence_evaluation_seconds',
      help: 'evaluator time per position',
      buckets: [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 5e-4, 1e-3, 1e-2],
      registers,
    }),
    fences: new Gauge({ name: 'v2x_geofence_fences', help: 'fences known (enabled or not)', registers }),
    cars: new Gauge({ name: 'v2x_geofence_cars', help: 'cars with evaluator state in this instance', registers }),
    actions,
    event: (type) => events.inc({ type }),
    action: (outcome) => actions.inc({ outcome }),
  };
}

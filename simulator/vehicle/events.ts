/**
 * Events as the step emits them (drafts: what happened) and as protocol messages (with vin, the
 * car's own event sequence, its timestamp and position).
 */
import type { VehicleEvent } from '../../protocol/schemas/events.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import type { CarSpec } from '../fleet/generate.js';
import type { VehicleState } from './state.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event without its envelope (vin, seq, ts, position). */
export type EventDraft = DistributiveOmit<VehicleEvent, 'vin' | 'seq' | 'ts' | 'position'>;

const round7 = (x: number): number => Math.round(x * 1e7) / 1e7;

/** The protocol message of a draft; takes the car's next event sequence number. */
export function toEvent(car: CarSpec, state: VehicleState, i: number, draft: EventDraft, ts: number, kin?: CarKinematics): VehicleEvent {
  const seq = state.eventSeq[i] as number;
  state.eventSeq[i] = (seq + 1) >>> 0;
  const envelope = { vin: car.vin, seq, ts: Math.round(ts) };
  const position = kin === undefined ? undefined : { lat: round7(kin.lat), lon: round7(kin.lon) };
  return (position === undefined ? { ...envelope, ...draft } : { ...envelope, ...draft, position }) as VehicleEvent;
}

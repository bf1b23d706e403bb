/**
 * Status messages: the birth message a car publishes when it connects (retained `online`), the
 * last will it registers at connect (`offline`, connection_lost, stamped with the connect time),
 * and the `offline` it publishes itself before a clean disconnect (shutdown, sleep).
 */
import type { OfflineReason, StatusOffline, StatusOnline } from '../../protocol/schemas/status.js';
import type { CarSpec } from '../fleet/generate.js';

export function birthMessage(car: CarSpec, connectedAt: number, ts: number, codec?: 'json' | 'binary'): StatusOnline {
  const m: StatusOnline = {
    vin: car.vin,
    state: 'online',
    ts: Math.round(ts),
    connectedAt: Math.round(connectedAt),
    firmware: car.firmware,
    make: car.make,
    model: car.model,
    modelYear: car.modelYear,
    powertrain: car.powertrain,
  };
  if (codec !== undefined) m.codec = codec;
  m.plate = car.plate;
  return m;
}

export function offlineMessage(car: CarSpec, ts: number, reason: OfflineReason): StatusOffline {
  return { vin: car.vin, state: 'offline', ts: Math.round(ts), reason };
}

/** The last will, written when connecting: fires as `connection_lost` if the session dies. */
export function lastWill(car: CarSpec, connectedAt: number): StatusOffline {
  return offlineMessage(car, connectedAt, 'connection_lost');
}

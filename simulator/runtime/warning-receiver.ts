/**
 * A car's hazard warning arriving over MQTT (`v2x/v1/{vin}/warnings`): decoded and checked (a bad
 * payload, or one for another car, is counted and dropped, never thrown), then handed to the world,
 * where the driver decides whether to take a detour (simulator/traffic/warned-drivers.ts; with the
 * shared model that is the model thread).
 */
import { tryDecode } from '../../protocol/codec/index.js';
import type { IncomingMessage } from '../../mqtt/index.js';
import type { CarSpec } from '../fleet/generate.js';
import type { SimCounters } from './counters.js';
import type { SimWorld } from './sim-world.js';

export interface WarningHost {
  readonly counters: SimCounters;
  readonly world: SimWorld;
  car(local: number): CarSpec;
  /** The car's clock now, epoch ms. */
  carNowMs(): number;
}

export function receiveWarning(host: WarningHost, local: number, message: IncomingMessage): void {
  host.counters.warningsReceived++;
  const decoded = tryDecode('warning', message.payload);
  const vin = host.car(local).vin;
  if (!decoded.ok || decoded.value.vin !== vin) {
    host.counters.warningsInvalid++;
    return;
  }
  const w = decoded.value;
  const now = host.carNowMs();
  host.world.warn(local, {
    vin,
    warningId: w.warningId,
    warningType: w.type,
    ...(w.segmentId !== undefined && { segmentId: w.segmentId }),
    lat: w.position.lat,
    lon: w.position.lon,
    radiusM: w.radiusM,
    expired: w.expiresAt <= now,
    validForS: Math.max(0, (w.expiresAt - now) / 1000),
  });
}

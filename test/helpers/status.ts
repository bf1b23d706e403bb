/** A car's `online` status for tests: a 2024 test BEV unless `extra` says otherwise. */
import type { StatusOnline } from '../../protocol/schemas/status.js';

export function onlineStatus(vin: string, ts: number, extra: Partial<StatusOnline> = {}): StatusOnline {
  return {
    vin,
    state: 'online',
    ts,
    connectedAt: ts,
    firmware: '1.0.0',
    make: 'Test',
    model: 'Car',
    modelYear: 2024,
    powertrain: 'bev',
    ...extra,
  };
}

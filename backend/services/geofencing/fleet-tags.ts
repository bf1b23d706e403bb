/**
 * Fleet membership for fences filtered by `vehicles.fleetTag`. The car-cloud protocol carries no
 * fleet field (telemetry and status are closed schemas), so the shell learns a car's tags from the
 * config (`geofencing.fleetTags`, `tag:VIN` entries) and passes them with each of the car's fixes.
 */

export type FleetTags = ReadonlyMap<string, readonly string[]>;

/** `['taxi:VIN1', 'taxi:VIN2', 'school:VIN1']` -> VIN1 -> [school, taxi], VIN2 -> [taxi] (sorted, deduplicated). */
export function parseFleetTags(entries: readonly string[]): FleetTags {
  const byVin = new Map<string, Set<string>>();
  for (const e of entries) {
    const i = e.lastIndexOf(':');
    const tag = e.slice(0, i);
    const vin = e.slice(i + 1);
    let set = byVin.get(vin);
    if (set === undefined) byVin.set(vin, (set = new Set()));
    set.add(tag);
  }
  const out = new Map<string, readonly string[]>();
  for (const [vin, tags] of byVin) out.set(vin, Object.freeze([...tags].sort()));
  return out;
}

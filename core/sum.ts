/** Adding up plain count objects (snapshots of workers, processes, units). */

/** Adds the numeric fields `keys` of `from` into `into`. */
export function addFields<K extends string>(into: Record<K, number>, from: Readonly<Record<K, number>>, keys: readonly K[]): void {
  for (const k of keys) into[k] += from[k];
}

/** Adds counts by name (`from` may name keys `into` has not seen yet). */
export function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

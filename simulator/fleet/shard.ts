/**
 * `--shard i/n`: one slice of a fleet, so several processes or machines drive one fleet. Shard i
 * of n holds the contiguous car indices [floor(N*i/n), floor(N*(i+1)/n)): the shards are disjoint,
 * their union is the fleet, sizes differ by at most one, and since a car depends only on (seed,
 * index) it is the same whichever shard builds it.
 */
import { V2xError } from '../../core/errors.js';

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export interface IndexRange {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export const WHOLE_FLEET: Shard = Object.freeze({ index: 0, count: 1 });

/** Parses "i/n" (0 <= i < n); throws SHARD_INVALID with the reason. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new V2xError('SHARD_INVALID', `'${text}' is not of the form i/n (e.g. 0/4)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new V2xError('SHARD_INVALID', `'${text}': n must be at least 1`);
  if (index >= count) throw new V2xError('SHARD_INVALID', `'${text}': i must be between 0 and ${count - 1}`);
  return { index, count };
}

/** The car indices of one shard of a fleet of `fleetSize` cars. */
export function shardRange(fleetSize: number, shard: Shard): IndexRange {
  if (!Number.isInteger(fleetSize) || fleetSize < 0) throw new RangeError(`fleet size must be a whole number >= 0 (got ${fleetSize})`);
  const { index, count } = shard;
  if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
    throw new V2xError('SHARD_INVALID', `${index}/${count}`);
  }
  return { start: Math.floor((fleetSize * index) / count), end: Math.floor((fleetSize * (index + 1)) / count) };
}

/**
 * Paths of the replay fixtures. tsc does not copy them, so they are read from the source tree:
 * found by walking up from this compiled file (dist/test/unit/replay/ or
 * .build/<name>/test/unit/replay/) to the folder that holds test/fixtures/replay.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isV2xError, type ErrorCode } from '../../../core/errors.js';

function fixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'replay');
    if (existsSync(join(candidate, 'trace.csv'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('test/fixtures/replay not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export const FIXTURES = fixturesDir();

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** Asserts that `promise` rejects with a V2xError of `code` whose message matches `pattern`. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isV2xError(err, code), `expected ${code}, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

export const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
export const VIN_A = 'WVWZZZ1J30W000001';
export const VIN_B = 'WBA00000600000002';
export const VIN_C = '1HGCM82633A004352';

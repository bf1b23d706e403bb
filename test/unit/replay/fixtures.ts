/**
 * Paths of the replay fixtures. tsc does not copy them, so they are read from the source tree:
 * test/helpers/repo.ts finds it from dist/ or .build/<name>/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isV2xError, type ErrorCode } from '../../../core/errors.js';
import { repoPath } from '../../helpers/repo.js';

export const FIXTURES = repoPath('test', 'fixtures', 'replay');

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

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCatalogue } from '../../../core/errors.js';
import { combineExitCodes, exitCodeOf } from '../../../loadtest/exit-code.js';

test('exit codes: 0 all hold, 99 any fails or aborted, 2 bad scenario, 1 runtime error', () => {
  assert.equal(exitCodeOf({ kind: 'completed', thresholds: [] }), 0);
  assert.equal(exitCodeOf({ kind: 'completed', thresholds: [{ pass: true }, { pass: true }] }), 0);
  assert.equal(exitCodeOf({ kind: 'completed', thresholds: [{ pass: true }, { pass: false }] }), 99);
  assert.equal(exitCodeOf({ kind: 'completed', thresholds: [{ pass: true }], aborted: true }), 99);
  assert.equal(exitCodeOf({ kind: 'invalid-scenario' }), 2);
  assert.equal(exitCodeOf({ kind: 'error' }), 1);
  assert.equal(exitCodeOf({ kind: 'ramp-to-break', lastHeld: 3000 }), 0);
  assert.equal(exitCodeOf({ kind: 'ramp-to-break', lastHeld: null }), 99);
  assert.equal(errorCatalogue.SCENARIO_INVALID.exitCode, 2);
  assert.equal(errorCatalogue.THRESHOLD_INVALID.exitCode, 2);
  assert.equal(errorCatalogue.LOADTEST_ABORTED.exitCode, 99);
});

test('a comparison exits with the worst code', () => {
  assert.equal(combineExitCodes([]), 0);
  assert.equal(combineExitCodes([0, 0]), 0);
  assert.equal(combineExitCodes([0, 99, 0]), 99);
  assert.equal(combineExitCodes([99, 1]), 1);
  assert.equal(combineExitCodes([1, 2, 99]), 2);
});

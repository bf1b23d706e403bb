import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration, tryParseDuration } from '../../../loadtest/scenario/duration.js';

test('durations: units, compounds, bare seconds', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1h 30m 15s'), 5_415_000);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('45'), 45_000);
  assert.equal(parseDuration(2.5), 2500);
  assert.equal(parseDuration('0s'), 0);
});

test('durations: bad text is refused with the text in the message', () => {
  for (const bad of ['', 'ten seconds', '5x', '1h30', 'm5', '-3s', '5s junk']) {
    assert.equal(tryParseDuration(bad), undefined, bad);
  }
  assert.throws(() => parseDuration('5x'), /"5x"/);
  assert.equal(tryParseDuration(-1), undefined);
});

test('durations format back', () => {
  const cases = [
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [1500, '1.5s'],
    [250, '250ms'],
    [0, '0s'],
  ] as const;
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text);
  for (const d of ['2m', '1h30m', '45s']) assert.equal(formatDuration(parseDuration(d)), d);
});

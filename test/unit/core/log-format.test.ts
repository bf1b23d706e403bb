/** Readable log lines for a terminal, JSON otherwise (core/log.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyLine, resolveLogging } from '../../../core/log.js';

test('resolveLogging: auto is readable warnings on a terminal and JSON elsewhere; json and pretty are forced', () => {
  assert.deepEqual(resolveLogging('info', 'auto', true), { level: 'warn', format: 'pretty' });
  assert.deepEqual(resolveLogging('error', 'auto', true), { level: 'error', format: 'pretty' });
  assert.deepEqual(resolveLogging('info', 'auto', false), { level: 'info', format: 'json' });
  assert.deepEqual(resolveLogging('info', 'json', true), { level: 'info', format: 'json' });
  assert.deepEqual(resolveLogging('debug', 'pretty', false), { level: 'debug', format: 'pretty' });
});

test('prettyLine: time, level, component, message, then the fields', () => {
  const line = prettyLine(
    JSON.stringify({
      level: 40,
      time: '2026-12-07T15:35:43.506Z',
      component: 'bridge',
      code: 'X',
      err: 'a b',
      n: 3,
      msg: 'bridge MQTT error',
    }),
  );
  assert.equal(line, '15:35:43 WARN  bridge: bridge MQTT error  code=X n=3  err="a b"\n');
  const withErr = prettyLine(
    JSON.stringify({
      level: 50,
      time: '2026-12-07T15:35:43.506Z',
      msg: 'failed',
      err: { message: 'boom', stack: 'Error: boom\n    at x' },
    }),
  );
  assert.equal(withErr, '15:35:43 ERROR failed  err=boom\nError: boom\n    at x\n');
  assert.equal(prettyLine('not json'), 'not json\n');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connackError } from '../../../mqtt/connack.js';

test('3.1.1 return codes map to typed refusals', () => {
  const e = (code: number) => connackError(4, code, 'car-1');
  assert.equal(e(4).code, 'MQTT_BAD_CREDENTIALS');
  assert.equal(e(5).code, 'MQTT_NOT_AUTHORIZED');
  assert.equal(e(3).code, 'MQTT_SERVER_UNAVAILABLE');
  assert.equal(e(3).retryable, true);
  assert.equal(e(4).retryable, false);
  assert.equal(e(2).code, 'MQTT_CONNECT_REFUSED');
  assert.equal(e(99).code, 'MQTT_CONNECT_REFUSED');
  assert.deepEqual(e(4).details, { connackCode: 4, protocolVersion: 4, clientId: 'car-1' });
});

test('MQTT 5 reason codes map to typed refusals', () => {
  const e = (code: number) => connackError(5, code, 'car-1', 'go away');
  assert.equal(e(0x86).code, 'MQTT_BAD_CREDENTIALS');
  assert.equal(e(0x87).code, 'MQTT_NOT_AUTHORIZED');
  assert.equal(e(0x8a).code, 'MQTT_NOT_AUTHORIZED');
  assert.equal(e(0x88).code, 'MQTT_SERVER_UNAVAILABLE');
  assert.equal(e(0x89).code, 'MQTT_SERVER_UNAVAILABLE');
  assert.equal(e(0x9f).code, 'MQTT_SERVER_UNAVAILABLE');
  assert.match(e(0x87).message, /go away/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseState, renderState, statePath, type DevInstanceState } from '../../../infra/kafka/state.js';
import { testConfig } from '../../helpers/kafka.js';

const good: DevInstanceState = {
  format: 1,
  kafkaVersion: '4.4.0',
  clusterId: 'yXSq6vw4NdqZRGfQSjWSpg',
  brokers: ['127.0.0.1:21133'],
  dataDir: '/tmp/v2x-kafka-DqrDxt',
  nodes: [{ nodeId: 1, pid: 24942, brokerPort: 21133, controllerPort: 20304 }],
  startedAt: '2026-11-25T00:29:48.270Z',
  startedBy: 24820,
};

test('a rendered state parses back to the same value', () => {
  const r = parseState(renderState(good));
  assert.ok(r.ok);
  assert.deepEqual(r.state, good);
});

test('invalid state files are refused with a reason', () => {
  const cases: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['[]', /not an object/],
    [JSON.stringify({ ...good, format: 2 }), /format 2/],
    [JSON.stringify({ ...good, dataDir: '' }), /dataDir/],
    [JSON.stringify({ ...good, brokers: [] }), /brokers/],
    [JSON.stringify({ ...good, brokers: ['localhost'] }), /brokers/],
    [JSON.stringify({ ...good, nodes: [{ nodeId: 1, pid: -4, brokerPort: 1, controllerPort: 2 }] }), /nodes\[0\]/],
    [JSON.stringify({ ...good, nodes: [{ nodeId: 1, pid: 4, brokerPort: 70000, controllerPort: 2 }] }), /nodes\[0\]/],
    [JSON.stringify({ ...good, startedBy: 'me' }), /startedBy/],
  ];
  for (const [text, reason] of cases) {
    const r = parseState(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.reason, reason, text);
  }
});

test('the state file lives in kafka.stateDir, else under the cache folder', () => {
  assert.equal(statePath(testConfig({ 'kafka.cacheDir': '/c', 'kafka.stateDir': '' }).kafka), '/c/kafka/dev-instance.json');
  assert.equal(statePath(testConfig({ 'kafka.cacheDir': '/c', 'kafka.stateDir': '/s' }).kafka), '/s/dev-instance.json');
});

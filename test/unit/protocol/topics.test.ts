import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backendSubscriptions,
  buildTopic,
  carSubscriptions,
  inspectTopic,
  parseTopic,
  sharedFilter,
  topicFilter,
  topicMatches,
  unshareFilter,
} from '../../../protocol/topics.js';
import { checkPublish, checkSubscribe, mayPublish, maySubscribe, type AclClient } from '../../../protocol/acl.js';
import { MESSAGE_KINDS } from '../../../protocol/kinds.js';
import { isV2xError } from '../../../core/errors.js';

const VIN = '1M8GDM9AXKP042788';
const OTHER = '11111111111111111';

test('build and parse every kind', () => {
  assert.equal(buildTopic('telemetry', VIN), `v2x/v1/${VIN}/telemetry`);
  assert.equal(buildTopic('status', VIN), `v2x/v1/${VIN}/status`);
  assert.equal(buildTopic('event', VIN), `v2x/v1/${VIN}/events`);
  assert.equal(buildTopic('commandRequest', VIN), `v2x/v1/${VIN}/cmd/req`);
  assert.equal(buildTopic('commandResult', VIN), `v2x/v1/${VIN}/cmd/res`);
  assert.equal(buildTopic('warning', VIN), `v2x/v1/${VIN}/warnings`);
  for (const kind of MESSAGE_KINDS) assert.deepEqual(parseTopic(buildTopic(kind, VIN)), { vin: VIN, kind });
});

test('parse names what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /topic is empty/],
    [`x2x/v1/${VIN}/telemetry`, /first level must be "v2x" \(got "x2x"\)/],
    [`v2x/v2/${VIN}/telemetry`, /version level must be "v1" \(got "v2"\)/],
    [`v2x/v1/${VIN}`, /missing the kind level/],
    ['v2x/v1/1M8GDM9A1KP042788/telemetry', /VIN "1M8GDM9A1KP042788" check digit/],
    ['v2x/v1/ABC/telemetry', /VIN "ABC" must be 17 characters/],
    [`v2x/v1/${VIN}/telemetry/extra`, /unknown kind "telemetry\/extra"/],
    [`v2x/v1/${VIN}/cmd`, /unknown kind "cmd"/],
    [`v2x/v1/${VIN}/`, /unknown kind ""/],
  ];
  for (const [topic, re] of cases) {
    assert.throws(
      () => parseTopic(topic),
      (e: unknown) => isV2xError(e, 'TOPIC_INVALID') && re.test(e.message) && e.details.topic === topic,
      topic,
    );
    const r = inspectTopic(topic);
    assert.ok('problem' in r);
  }
  assert.throws(
    () => buildTopic('telemetry', 'NOPE'),
    (e: unknown) => isV2xError(e, 'TOPIC_INVALID'),
  );
});

test('filters for a car and for the backend, shared or not', () => {
  assert.deepEqual(carSubscriptions(VIN), [`v2x/v1/${VIN}/cmd/req`, `v2x/v1/${VIN}/warnings`]);
  assert.equal(topicFilter('telemetry'), 'v2x/v1/+/telemetry');
  assert.equal(topicFilter('telemetry', VIN), `v2x/v1/${VIN}/telemetry`);
  assert.deepEqual(backendSubscriptions(), ['v2x/v1/+/telemetry', 'v2x/v1/+/status', 'v2x/v1/+/events', 'v2x/v1/+/cmd/res']);
  assert.deepEqual(backendSubscriptions({ group: 'bridge', kinds: ['telemetry'] }), ['$share/bridge/v2x/v1/+/telemetry']);
  assert.deepEqual(unshareFilter('$share/bridge/v2x/v1/+/telemetry'), { group: 'bridge', filter: 'v2x/v1/+/telemetry' });
  assert.deepEqual(unshareFilter('v2x/v1/+/telemetry'), { filter: 'v2x/v1/+/telemetry' });
  assert.throws(
    () => sharedFilter('bad/group', 'x'),
    (e: unknown) => isV2xError(e, 'TOPIC_INVALID'),
  );
  for (const f of backendSubscriptions()) {
    const kind = f.split('/').slice(3).join('/');
    assert.ok(topicMatches(f, `v2x/v1/${VIN}/${kind}`), f);
  }
});

test('topic filter matching', () => {
  assert.equal(topicMatches('v2x/v1/+/telemetry', `v2x/v1/${VIN}/telemetry`), true);
  assert.equal(topicMatches('v2x/v1/+/telemetry', `v2x/v1/${VIN}/status`), false);
  assert.equal(topicMatches('v2x/#', `v2x/v1/${VIN}/cmd/req`), true);
  assert.equal(topicMatches('v2x/v1/+/cmd/+', `v2x/v1/${VIN}/cmd/res`), true);
  assert.equal(topicMatches('v2x/v1/+', `v2x/v1/${VIN}/telemetry`), false);
  assert.equal(topicMatches('#', '$SYS/broker/uptime'), false);
});

test('ACL: a car publishes only its own uplink topics', () => {
  const car: AclClient = { role: 'car', vin: VIN };
  for (const kind of ['telemetry', 'status', 'event', 'commandResult'] as const)
    assert.equal(mayPublish(car, buildTopic(kind, VIN)), true, kind);
  for (const kind of ['commandRequest', 'warning'] as const) assert.equal(mayPublish(car, buildTopic(kind, VIN)), false, kind);
  assert.deepEqual(checkPublish(car, buildTopic('telemetry', OTHER)), { allow: false, reason: `car ${VIN} may not publish for ${OTHER}` });
  assert.equal(mayPublish(car, 'v2x/v1/+/telemetry'), false);
  assert.equal(mayPublish(car, 'elsewhere/topic'), false);
  assert.equal(mayPublish(car, `v2x/v1/${VIN}/telemetry/x`), false);
});

test('ACL: a car subscribes only to its own downlink topics, no wildcards, no shares', () => {
  const car: AclClient = { role: 'car', vin: VIN };
  for (const f of carSubscriptions(VIN)) assert.equal(maySubscribe(car, f), true, f);
  for (const f of carSubscriptions(OTHER)) assert.equal(maySubscribe(car, f), false, f);
  assert.equal(maySubscribe(car, buildTopic('telemetry', VIN)), false);
  assert.equal(maySubscribe(car, 'v2x/v1/+/cmd/req'), false);
  assert.equal(maySubscribe(car, `v2x/v1/${VIN}/#`), false);
  assert.equal(maySubscribe(car, '#'), false);
  const shared = checkSubscribe(car, `$share/g/v2x/v1/${VIN}/cmd/req`);
  assert.equal(shared.allow, false);
});

test('ACL: the backend publishes downlink topics and subscribes under v2x/v1/', () => {
  const backend: AclClient = { role: 'backend' };
  assert.equal(mayPublish(backend, buildTopic('commandRequest', VIN)), true);
  assert.equal(mayPublish(backend, buildTopic('warning', VIN)), true);
  assert.equal(mayPublish(backend, buildTopic('telemetry', VIN)), false);
  assert.equal(mayPublish(backend, buildTopic('status', VIN)), false);
  for (const f of [...backendSubscriptions(), ...backendSubscriptions({ group: 'bridge' })])
    assert.equal(maySubscribe(backend, f), true, f);
  assert.equal(maySubscribe(backend, '#'), false);
  assert.equal(maySubscribe(backend, '$SYS/#'), false);
});

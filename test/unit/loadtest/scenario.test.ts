import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isV2xError, type V2xError } from '../../../core/errors.js';
import { loadScenarioFile, parseScenarioText } from '../../../loadtest/scenario/load.js';
import { parseScenario } from '../../../loadtest/scenario/scenario.js';
import { repoPath } from '../../helpers/repo.js';
import { scenarioDoc } from './fixtures.js';

const BUNDLED = ['smoke.yaml', 'soak.yaml', 'ramp-to-break.yaml', 'reconnect-storm.yaml', 'command-storm.yaml'];

test('every bundled scenario validates', async () => {
  const files = readdirSync(repoPath('loadtest', 'scenarios')).filter((f) => f.endsWith('.yaml'));
  for (const f of BUNDLED) assert.ok(files.includes(f), `${f} is bundled`);
  for (const f of files) {
    const sc = await loadScenarioFile(repoPath('loadtest', 'scenarios', f));
    assert.equal(`${sc.name}.yaml`, f);
    assert.ok(sc.stages.length > 0, f);
    assert.ok(sc.thresholds.length > 0, f);
    assert.ok(sc.totalMs > 0, f);
  }
});

test('smoke.yaml is CI-sized: a minute or less, at most 100 cars, QoS 1', async () => {
  const sc = await loadScenarioFile(repoPath('loadtest', 'scenarios', 'smoke.yaml'));
  assert.ok(sc.totalMs >= 30_000 && sc.totalMs <= 90_000, `${sc.totalMs} ms`);
  assert.ok(sc.fleet.size <= 100);
  assert.equal(sc.profile.qos, 1);
  assert.ok(sc.thresholds.some((t) => t.abortOnFail && t.abortDelayMs === 15_000));
});

test('defaults are filled in and durations normalised', () => {
  const sc = parseScenario(scenarioDoc({ fleet: { size: 100 } }));
  assert.equal(sc.fleet.seed, 'unit');
  assert.deepEqual(sc.fleet.city, { kind: 'builtin' });
  assert.equal(sc.profile.qos, 1);
  assert.equal(sc.profile.mqttVersion, '3.1.1');
  assert.equal(sc.profile.codec, 'json');
  assert.deepEqual(sc.brokers[0]?.credentials, { mode: 'fleet-key', fleetKey: 'v2x-demo-fleet-key' });
  assert.equal(sc.stages[0]?.durationMs, 10_000);
  assert.equal(sc.stages[0]?.rateHz, 1);
  assert.equal(parseScenario(scenarioDoc({ profile: { mqttVersion: 5 } })).profile.mqttVersion, '5');
  const withFiles = parseScenario(
    scenarioDoc({ fleet: { size: 100, city: { file: 'city.geojson' } }, brokers: [{ url: 'mqtts://b:8883', tls: { caFile: 'ca.pem' } }] }),
    { baseDir: '/etc/v2x' },
  );
  assert.deepEqual(withFiles.fleet.city, { kind: 'file', path: '/etc/v2x/city.geojson' });
  assert.equal(withFiles.brokers[0]?.tls?.caFile, '/etc/v2x/ca.pem');
  assert.equal(withFiles.brokers[0]?.name, 'b:8883');
});

function refused(doc: unknown): V2xError {
  try {
    parseScenario(doc);
  } catch (err) {
    assert.ok(isV2xError(err, 'SCENARIO_INVALID'), String(err));
    assert.equal(err.exitCode, 2);
    return err;
  }
  assert.fail('the scenario was accepted');
}

const cases: [string, Record<string, unknown>, string, RegExp][] = [
  ['missing brokers', { brokers: undefined }, 'brokers', /is required/],
  ['empty brokers', { brokers: [] }, 'brokers', /at least one broker/],
  ['bad broker url', { brokers: [{ url: 'http://x' }] }, 'brokers[0].url', /mqtt:\/\/host:port/],
  ['unknown top-level key', { stagez: [] }, 'stagez', /unknown field \(allowed here: name, description, brokers/],
  ['unknown nested key', { fleet: { size: 10, colour: 'red' } }, 'fleet.colour', /unknown field \(allowed here: size, seed, city\)/],
  [
    'bad credentials mode',
    { brokers: [{ url: 'mqtt://a', credentials: { mode: 'token' } }] },
    'brokers[0].credentials.mode',
    /one of "fleet-key", "password", "none"/,
  ],
  [
    'password without username',
    { brokers: [{ url: 'mqtt://a', credentials: { mode: 'password', password: 'x' } }] },
    'brokers[0].credentials.username',
    /required with mode "password"/,
  ],
  ['tls on plain url', { brokers: [{ url: 'mqtt://a', tls: { caFile: 'ca.pem' } }] }, 'brokers[0].tls', /mqtts:\/\//],
  ['fleet size 0', { fleet: { size: 0 } }, 'fleet.size', /1 to 2,000,000 \(got 0\)/],
  ['bad city', { fleet: { size: 5, city: 'paris' } }, 'fleet.city', /"builtin" or \{ file/],
  ['bad duration', { stages: [{ duration: 'ten seconds', target: 5 }] }, 'stages[0].duration', /90s, 2m, 1h30m.*\(got "ten seconds"\)/],
  ['negative target', { stages: [{ duration: '1m', target: -1 }] }, 'stages[0].target', /at least 0/],
  ['target above fleet', { stages: [{ duration: '1m', target: 500 }] }, 'stages[0].target', /at most fleet.size \(100\)/],
  ['rate too high', { stages: [{ duration: '1m', target: 5, rateHz: 100 }] }, 'stages[0].rateHz', /at most 50/],
  ['no stages', { stages: undefined }, 'stages', /is required \(or rampToBreak\)/],
  [
    'stages and rampToBreak',
    { rampToBreak: { startCars: 1, stepCars: 1, maxCars: 2, rampDuration: '1s', holdDuration: '1s' } },
    'rampToBreak',
    /cannot be given with stages/,
  ],
  ['bad qos', { profile: { qos: 3 } }, 'profile.qos', /one of 0, 1, 2 \(got 3\)/],
  ['bad mqtt version', { profile: { mqttVersion: '4' } }, 'profile.mqttVersion', /"3.1.1", "5"/],
  ['bad codec', { profile: { codec: 'xml' } }, 'profile.codec', /"json", "binary"/],
  [
    'bad command type',
    { profile: { commands: { perSecond: 1, types: ['selfDestruct'] } } },
    'profile.commands.types[0]',
    /must be one of .*unlock/,
  ],
  ['drop percent', { chaos: { connectionDrops: [{ at: '30s', percent: 150 }] } }, 'chaos.connectionDrops[0].percent', /\(0, 100\]/],
  [
    'chaos after the end',
    { chaos: { connectionDrops: [{ at: '5m', percent: 10 }] } },
    'chaos.connectionDrops[0].at',
    /within the run \(at most 60 s\)/,
  ],
  ['restart without command', { chaos: { brokerRestarts: [{ at: '10s' }] } }, 'chaos.brokerRestarts[0].command', /is required/],
  ['bad threshold', { thresholds: ['latency.p99 < 5ms'] }, 'thresholds[0]', /unknown metric "latency"/],
  ['bad threshold object', { thresholds: [{ expr: 'loss = 0' }] }, 'thresholds[0].expr', /expected an operator/],
  ['bad abortOnFail', { thresholds: [{ expr: 'loss == 0', abortOnFail: 'yes' }] }, 'thresholds[0]', /expression such as/],
  ['bad name', { name: 'my test!' }, 'name', /letters, digits/],
];

for (const [title, overrides, field, message] of cases) {
  test(`invalid scenario names the field: ${title}`, () => {
    const doc = scenarioDoc(overrides);
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete doc[k];
    const err = refused(doc);
    const problems = err.details.problems as { field: string; message: string }[];
    const p = problems.find((x) => x.field === field);
    assert.ok(p, `no problem for ${field} in ${JSON.stringify(problems)}`);
    assert.match(p.message, message);
    assert.ok(err.message.includes(`${field}: `), err.message);
  });
}

test('several problems are reported at once', () => {
  const err = refused(
    scenarioDoc({
      fleet: { size: 10 },
      stages: [
        { duration: '1m', target: 20 },
        { duration: '1m', target: 30 },
      ],
    }),
  );
  const fields = (err.details.problems as { field: string }[]).map((p) => p.field);
  assert.deepEqual(fields, ['stages[0].target', 'stages[1].target']);
});

test('not a mapping, not YAML, unreadable file', async () => {
  assert.match(refused([1, 2]).message, /must be a mapping/);
  assert.throws(
    () => parseScenarioText('name: [unclosed', { source: 'x.yaml' }),
    (e: unknown) => isV2xError(e, 'SCENARIO_INVALID') && /x.yaml is not valid YAML/.test(e.message),
  );
  await assert.rejects(loadScenarioFile('/nonexistent/scenario.yaml'), (e: unknown) => isV2xError(e, 'SCENARIO_UNREADABLE'));
  const dir = await mkdtemp(join(tmpdir(), 'lt-scn-'));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'name: bad\nbrokers: [{ url: "mqtt://a" }]\nfleet: { size: 10 }\nstages: [{ duration: 1m, target: 11 }]\n');
  await assert.rejects(
    loadScenarioFile(file),
    (e: unknown) => isV2xError(e, 'SCENARIO_INVALID') && e.message.includes(file) && e.message.includes('stages[0].target'),
  );
});

test('the scenario example in docs/loadtest.md validates', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(repoPath('docs', 'loadtest.md'), 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(yaml, 'a yaml example');
  const sc = parseScenarioText(yaml, { baseDir: '/tmp' });
  assert.equal(sc.name, 'smoke');
  assert.equal(sc.chaos.connectionDrops.length, 1);
  assert.equal(sc.thresholds.length, 2);
});

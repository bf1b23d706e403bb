/**
 * `v2x sim` as a user runs it: bad input exits 2 with a message, an unreachable broker exits 1
 * within its connect deadline, and a short 20-car run writes a summary whose numbers add up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startMosquitto } from '../../helpers/mosquitto.js';
import type { SimSummary } from '../../../simulator/runtime/summary.js';
import { runCli } from './helpers.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-sim-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('an unknown flag exits 2 and names the flag', async (t) => {
  const run = runCli(t, ['sim', '--carz', '10']);
  assert.equal(await run.exited, 2);
  assert.match(run.stderr(), /carz/);
});

test('a malformed scenario exits 2 and names the problem', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'incidents:\n  - { segment: x, duration: 5m, lanesBlocked: 0 }\n');
  const run = runCli(t, ['sim', '--scenario', file, '--cars', '2']);
  assert.equal(await run.exited, 2);
  assert.match(run.stderr(), /lanesBlocked/);
});

test('a missing road network file exits 2 and names the file', async (t) => {
  const broker = await startMosquitto(t);
  const run = runCli(t, ['sim', '--broker', broker.url, '--city', '/nonexistent/roads.geojson', '--cars', '2', '--workers', '1']);
  assert.equal(await run.exited, 2);
  assert.match(run.stderr(), /roads\.geojson/);
});

test('an unreachable broker exits 1 with a message within the connect deadline', async (t) => {
  const port = await freePort();
  const started = performance.now();
  const run = runCli(t, ['sim', '--broker', `mqtt://127.0.0.1:${port}`, '--cars', '3', '--connect-timeout', '2', '--workers', '1']);
  assert.equal(await run.exited, 1);
  assert.ok(performance.now() - started < 30_000, 'gave up within the deadline');
  assert.match(run.stderr(), /could not reach the MQTT broker|did not answer CONNECT/);
});

test('a 20-car run writes a summary whose numbers add up', async (t) => {
  const broker = await startMosquitto(t);
  const dir = tempDir(t);
  const file = join(dir, 'summary.json');
  const truth = join(dir, 'truth.jsonl');
  const flags = '--cars 20 --seed 5 --credentials none --duration 14s --speedup 2 --rate 1 --qos 1 --workers 2'.split(' ');
  const run = runCli(t, ['sim', '--broker', broker.url, '--summary-json', file, '--ground-truth', truth, ...flags]);
  assert.equal(await run.exited, 0, run.stderr());
  const s = JSON.parse(readFileSync(file, 'utf8')) as SimSummary;
  assert.equal(s.cars, 20);
  assert.equal(s.connections.connects, s.connectMs.count, 'one connect-time sample per connect');
  assert.ok(s.connections.connects >= 20);
  const m = s.messages;
  assert.equal(m.sentByQos[0] + m.sentByQos[1] + m.sentByQos[2], m.totalSent);
  assert.equal(m.ackedByQos[1] + m.ackedByQos[2], m.totalAcked);
  assert.ok(m.totalAcked <= m.totalSent);
  assert.equal(s.pubackMs.count, m.totalAcked, 'one PUBACK latency sample per ack');
  const published = Object.values(m.published).reduce((a, b) => a + b, 0);
  assert.ok(m.totalSent <= published, 'nothing sent that was not published');
  assert.ok(m.totalSent >= published - m.dropped - 20 * 16, 'all but what was still queued or in flight was sent');
  // --duration is simulated time: 20 cars at 1 Hz over 14 simulated seconds (7 s of wall time at speedup 2), less the ramp
  assert.ok(m.published.telemetry! > 20 * 9 && m.published.telemetry! <= 20 * 15, `telemetry ${m.published.telemetry}`);
  assert.ok(s.simulatedSeconds >= 13 && s.simulatedSeconds <= 15, `simulated ${s.simulatedSeconds} s`);
  assert.equal(m.published.status! >= 20, true);
  assert.ok(s.cpuSeconds > 0 && s.peakRssMb > 0);
  assert.match(run.stdout(), /PUBACK latency/);
  const text = readFileSync(truth, 'utf8').trim();
  assert.notEqual(text, '', 'ground truth written (one window of 10 simulated s at least)');
  const lines = text.split('\n');
  assert.ok(lines.every((l) => ['segment', 'incident'].includes((JSON.parse(l) as { type: string }).type)));
});

test('a run over two processes adds their figures up', async (t) => {
  const broker = await startMosquitto(t);
  const dir = tempDir(t);
  const file = join(dir, 'summary.json');
  const flags = '--cars 6 --seed 8 --credentials none --duration 6s --speedup 2 --processes 2 --workers 1'.split(' ');
  const run = runCli(t, ['sim', '--broker', broker.url, '--summary-json', file, ...flags]);
  assert.equal(await run.exited, 0, run.stderr());
  assert.match(run.stderr(), /2 process\(es\)/);
  const s = JSON.parse(readFileSync(file, 'utf8')) as SimSummary;
  assert.equal(s.cars, 6);
  assert.equal(s.connections.connects, 6);
  assert.ok(s.messages.published.telemetry! >= 6 * 3, `telemetry ${s.messages.published.telemetry}`);
  assert.ok(s.cpuSeconds > 0);
});

test('export-network writes the road network GeoJSON', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'net.geojson');
  const run = runCli(t, ['sim', '--export-network', file, '--seed', '4']);
  assert.equal(await run.exited, 0, run.stderr());
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { type: string; features: { properties: { segmentId?: string } }[] };
  assert.equal(doc.type, 'FeatureCollection');
  assert.ok(doc.features.filter((f) => f.properties.segmentId !== undefined).length > 100);
});

/**
 * Issue 19, MEDIUM: memory before login. Raw sockets against the embedded broker:
 *  - three connections announcing 250 MB CONNECTs and streaming zeros are dropped within a second
 *    or two, and the broker's process (the load tester's embedded-broker child, a broker alone in
 *    its process) grows by no more than a few MB;
 *  - on the backend: a CONNECT over the pre-login byte budget, a silent connection past the
 *    pre-login time, a 250 MB CONNECT over WebSocket and over TLS, a TLS handshake never made, and
 *    a logged-in car's PUBLISH over mqtt.maxPacketSize all end their connections, counted by
 *    reason; other cars carry on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { encode, protocolExamples } from '../../../protocol/index.js';
import { makeTestCertificates } from '../../../infra/tls/test-certificates.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, connectCar, startTestBackend, testVin } from '../../helpers/backend.js';
import { fixedHeader } from '../../helpers/mqtt-bytes.js';

const BROKER_PROCESS = fileURLToPath(new URL('../../../loadtest/runner/embedded-broker-process.js', import.meta.url));
const MB = 1024 * 1024;

const rssBytes = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

interface Flood {
  readonly closedAfterMs: number;
  readonly written: number;
}

/** Connects, announces a CONNECT of `announced` bytes and writes zeros (64 KiB at a time) until the broker closes or `limit` is sent. */
async function flood(port: number, announced: number, limit: number, deadlineMs = 20_000): Promise<Flood> {
  const socket = connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  const started = performance.now();
  let closed = false;
  socket.on('error', () => undefined); // EPIPE / ECONNRESET once the broker has dropped it
  const done = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)));
  void done.then(() => (closed = true));
  const timer = setTimeout(() => socket.destroy(), deadlineMs);
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  socket.write(fixedHeader(0x10, announced));
  while (!closed && written < limit) {
    written += chunk.length;
    if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), done]);
  }
  const closedAfterMs = await done;
  clearTimeout(timer);
  return { closedAfterMs, written };
}

/** Writes the start of a 250 MB CONNECT and waits (5 s at most) for the connection to be dropped. */
async function dropsOversizedConnect(conn: WebSocket | Socket, write: (b: Buffer) => void, what: string): Promise<void> {
  const closed = once(conn, 'close');
  write(Buffer.concat([fixedHeader(0x10, 250 * MB), Buffer.alloc(1024)]));
  await Promise.race([
    closed,
    new Promise((_r, reject) => setTimeout(() => reject(new Error(`the ${what} connection was not dropped`)), 5000)),
  ]);
}

test('three 250 MB CONNECTs are dropped at once; the broker process grows by a few MB at most', async (t) => {
  const child = fork(BROKER_PROCESS, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const [ready] = (await once(child, 'message')) as [{ url: string; pid: number }];
  const port = Number(new URL(ready.url).port);
  const before = rssBytes(ready.pid);
  const floods = await Promise.all([0, 1, 2].map(() => flood(port, 250 * MB, 64 * MB)));
  const after = rssBytes(ready.pid);
  t.diagnostic(
    `closed after ${floods.map((f) => f.closedAfterMs.toFixed(0)).join(', ')} ms; written ${floods.map((f) => (f.written / MB).toFixed(1)).join(', ')} MB; ` +
      `broker RSS ${(before / MB).toFixed(1)} -> ${(after / MB).toFixed(1)} MB`,
  );
  for (const f of floods) {
    assert.ok(f.closedAfterMs < 2000, `dropped promptly (after ${f.closedAfterMs.toFixed(0)} ms)`);
    assert.ok(f.written < 32 * MB, `dropped before the body was sent (${(f.written / MB).toFixed(1)} MB written)`);
  }
  assert.ok(after - before < 8 * MB, `broker RSS grew by ${((after - before) / MB).toFixed(1)} MB`);
});

test('the pre-login byte and time budgets on TCP, WebSocket and TLS, and a logged-in PUBLISH over mqtt.maxPacketSize', async (t) => {
  const { brokers } = await testKafka(t);
  const dir = mkdtempSync(join(tmpdir(), 'v2x-limits-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeTestCertificates(dir);
  const config = backendConfig(brokers, {
    'backend.roles': 'broker',
    'mqtt.preAuthTimeoutMs': 1000,
    'mqtt.tlsPort': 0,
    'mqtt.tlsKeyFile': certs.keyFile,
    'mqtt.tlsCertFile': certs.certFile,
  });
  const { backend } = await startTestBackend(t, config);
  const broker = backend.broker!;

  // 200 KiB CONNECT: under the packet limit (256 KiB), over the 64 KiB budget before login
  const budget = await flood(broker.tcpPort, 200 * 1024, 200 * 1024);
  assert.ok(budget.closedAfterMs < 5000, 'over the pre-login byte budget: dropped');

  // a connection that sends nothing is dropped after mqtt.preAuthTimeoutMs
  const silent: Socket = connect({ port: broker.tcpPort, host: '127.0.0.1' });
  silent.on('error', () => undefined);
  t.after(() => silent.destroy()); // on failure: a connection left open would hold the broker's close
  const t0 = performance.now();
  await Promise.race([
    once(silent, 'close'),
    new Promise((_r, reject) => setTimeout(() => reject(new Error('the silent connection was not dropped')), 10_000)),
  ]);
  const silentMs = performance.now() - t0;
  assert.ok(silentMs >= 900, `kept for the pre-login time (${silentMs.toFixed(0)} ms)`);

  // over WebSocket: a 250 MB CONNECT announced in the first frame
  const ws = new WebSocket(broker.wsUrl, 'mqtt');
  ws.on('error', () => undefined);
  t.after(() => ws.terminate());
  await once(ws, 'open');
  await dropsOversizedConnect(ws, (b) => ws.send(b), 'WebSocket');

  // over TLS: a 250 MB CONNECT after the handshake; and a connection that never starts its handshake
  const secure = tlsConnect({ port: broker.tlsPort!, host: '127.0.0.1', ca: readFileSync(certs.caFile), servername: 'localhost' });
  secure.on('error', () => undefined);
  t.after(() => secure.destroy());
  await once(secure, 'secureConnect');
  await dropsOversizedConnect(secure, (b) => secure.write(b), 'TLS');
  const noHandshake: Socket = connect({ port: broker.tlsPort!, host: '127.0.0.1' });
  noHandshake.on('error', () => undefined);
  t.after(() => noHandshake.destroy());
  await Promise.race([
    once(noHandshake, 'close'),
    new Promise((_r, reject) => setTimeout(() => reject(new Error('the TLS connection without a handshake was not dropped')), 10_000)),
  ]);

  // after login: a car's 300 KiB PUBLISH ends its connection; another car carries on
  const key = config.mqtt.fleetKey;
  const big = await connectCar(t, broker.tcpUrl, testVin(401), key);
  const other = await connectCar(t, broker.tcpUrl, testVin(402), key);
  const bigClosed = new Promise<void>((resolve) => big.once('close', () => resolve()));
  big.publish(`v2x/v1/${testVin(401)}/telemetry`, Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
  await bigClosed;
  const vin = testVin(402);
  await other.publishAsync(`v2x/v1/${vin}/telemetry`, encode('telemetry', { ...protocolExamples.telemetryExamples[0]!, vin, seq: 1 }), {
    qos: 1,
  });
  assert.equal(other.connected, true);

  const refusals = await backend.metrics.registry.getSingleMetricAsString('v2x_broker_refusals_total');
  assert.match(refusals, /action="connect",reason="pre_auth_budget"} 1/);
  assert.match(refusals, /action="connect",reason="packet_too_large"} 3/);
});

/**
 * The cars over MQTT-over-WebSocket (ws:// and wss://) against a real broker's WebSocket listener:
 * aedes behind a ws server (Mosquitto 2.0 as packaged here has no websockets listener), with the
 * per-car credentials checked as the embedded broker checks them (username = VIN, password =
 * HMAC(fleet key, VIN)). A whole simulation runs over it; a wrong fleet key is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Aedes, type AuthenticateError } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { makeTestCertificates } from '../../../infra/tls/test-certificates.js';
import { carPassword } from '../../../protocol/credentials.js';
import { waitFor } from '../../helpers/poll.js';
import { tempDirFor } from '../../helpers/process.js';
import { runSim, simSettings } from './helpers.js';

const FLEET_KEY = 'ws-test-fleet-key';

interface WsBroker {
  readonly port: number;
  readonly published: Map<string, number>;
  readonly refused: () => number;
  readonly caFile?: string;
}

/** aedes on a ws (or wss) listener on port 0, checking per-car passwords; closed in t.after. */
async function startWsBroker(t: { after(fn: () => Promise<void> | void): void }, secure: boolean): Promise<WsBroker> {
  let refused = 0;
  const published = new Map<string, number>();
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      if (username !== undefined && password?.toString() === carPassword(FLEET_KEY, username)) return done(null, true);
      refused++;
      const err = new Error('bad user name or password') as AuthenticateError;
      err.returnCode = 4;
      done(err, false);
    },
  });
  broker.on('publish', (packet, client) => {
    if (client !== null && client !== undefined)
      published.set(packet.topic.split('/').at(-1) ?? '', (published.get(packet.topic.split('/').at(-1) ?? '') ?? 0) + 1);
  });
  let caFile: string | undefined;
  let server: HttpServer;
  if (secure) {
    const certs = makeTestCertificates(tempDirFor(t, 'v2x-wss-'));
    caFile = certs.caFile;
    server = createHttpsServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) });
  } else {
    server = createHttpServer();
  }
  const wss = new WebSocketServer({ server, path: '/mqtt' });
  wss.on('connection', (ws) => broker.handle(createWebSocketStream(ws)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  t.after(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  return { port, published, refused: () => refused, ...(caFile !== undefined && { caFile }) };
}

for (const secure of [false, true]) {
  const scheme = secure ? 'wss' : 'ws';
  test(`cars connect over ${scheme}:// with their own credentials and their telemetry is acknowledged`, async (t) => {
    const broker = await startWsBroker(t, secure);
    const cars = 6;
    const settings = simSettings({
      broker: `${scheme}://127.0.0.1:${broker.port}/mqtt`,
      cars,
      seed: '4',
      workers: 1,
      rate: 2,
      fleetKey: FLEET_KEY,
      ...(broker.caFile !== undefined && { caFile: broker.caFile }),
    });
    assert.deepEqual(settings.broker.websocketPath, '/mqtt');
    const sim = runSim(t, settings);
    await waitFor(() => (broker.published.get('telemetry') ?? 0) >= cars * 2, {
      timeoutMs: 30_000,
      what: `telemetry from ${cars} cars over ${scheme}`,
    });
    const summary = await sim.stop();
    assert.equal(summary.connectedOnce, cars);
    assert.equal(summary.errorCount, 0, JSON.stringify(summary.errors));
    assert.ok(summary.messages.ackedByQos[1] > cars * 2, `acknowledged ${summary.messages.ackedByQos[1]}`);
    assert.equal(summary.messages.unacknowledged, 0);
    assert.equal(broker.published.get('status'), cars * 2, 'birth and offline of every car');
    assert.equal(broker.refused(), 0);
  });
}

test('a wrong fleet key over ws:// is refused by the broker: the run fails with bad credentials', async (t) => {
  const broker = await startWsBroker(t, false);
  const settings = simSettings({ broker: `ws://127.0.0.1:${broker.port}/mqtt`, cars: 2, workers: 1, fleetKey: 'not-the-key' });
  await assert.rejects(runSim(t, settings).done, { code: 'MQTT_BAD_CREDENTIALS' });
  assert.ok(broker.refused() >= 1);
});

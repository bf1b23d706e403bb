/**
 * Issue 19: log flooding before login. 200 refused CONNECTs with 60 KB client ids (raw sockets:
 * 100 with a bad password, 100 with a car's valid credentials and a client id that is not its VIN)
 * against the real broker and hooks, the log captured at the logger's destination: a few short
 * lines, the identifiers cut to 64 characters, and the refusals not logged one by one counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { loadConfig } from '../../../core/config/load.js';
import { configureLogging } from '../../../core/log.js';
import { configSchema } from '../../../app/config-schema.js';
import { carPassword } from '../../../protocol/credentials.js';
import { brokerHooks } from '../../../backend/broker/hooks.js';
import { startEmbeddedBroker } from '../../../backend/broker/embedded.js';
import { waitFor } from '../../helpers/poll.js';
import { testVin } from '../../helpers/backend.js';

interface Line {
  msg: string;
  reasonClass?: string;
  client?: string;
  username?: string;
  reason?: string;
  suppressed?: number;
}

/** One CONNECT on a fresh socket; resolves with the CONNACK return code. */
async function refusedConnect(port: number, clientId: string, username: string, password: string): Promise<number> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const connack = new Promise<number>((resolve) => parser.on('packet', (p) => resolve((p as mqttPacket.IConnackPacket).returnCode ?? -1)));
  socket.on('data', (d: Buffer) => parser.parse(d));
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      clientId,
      username,
      password: Buffer.from(password),
    }),
  );
  const code = await connack;
  socket.destroy();
  return code;
}

test('200 refused CONNECTs with 60 KB client ids write a few short log lines', async (t) => {
  let captured = '';
  configureLogging('info', 'json', { write: (s: string) => void (captured += s) });
  const config = loadConfig(configSchema, { flags: { 'mqtt.host': '127.0.0.1', 'mqtt.port': 0, 'mqtt.wsPort': 0 } });
  const key = config.mqtt.fleetKey;
  const broker = await startEmbeddedBroker(config.mqtt, brokerHooks({ policy: { fleetKey: key, services: [] } }));
  t.after(() => broker.close());
  captured = '';

  const vin = testVin(501);
  const codes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const id = `${String(i).padStart(3, '0')}${'x'.repeat(60_000)}`;
    const bad = i % 2 === 0;
    codes.push(await refusedConnect(broker.tcpPort, id, vin, bad ? 'not-the-password' : carPassword(key, vin)));
  }
  assert.equal(codes.filter((c) => c === 4).length, 100, 'bad password: CONNACK 4');
  assert.equal(codes.filter((c) => c === 2).length, 100, 'client id not the VIN: CONNACK 2 (identifier rejected)');

  // the counts of what was left out arrive with the interval's end
  const lines = (): Line[] =>
    captured
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
  const total = (cls: string): number =>
    lines()
      .filter((l) => l.reasonClass === cls)
      .reduce((n, l) => n + (l.msg === 'refused' ? 1 : 0) + (l.suppressed ?? 0), 0);
  await waitFor(() => total('bad_password') === 100 && total('client_id') === 100, {
    timeoutMs: 10_000,
    what: 'every refusal logged or counted',
  });
  t.diagnostic(`${captured.length} bytes of log in ${lines().length} lines for 200 refusals (12 MB before issue 19)`);
  assert.ok(captured.length < 8 * 1024, `bounded log output (${captured.length} bytes)`);
  for (const l of lines()) {
    assert.ok((l.client ?? '').length <= 64 + 20, 'client ids cut to 64 characters');
    assert.ok((l.reason ?? '').length <= 160 + 20, 'reasons cut');
  }
  assert.ok(lines().some((l) => l.client?.startsWith('000xxx') === true && l.client.endsWith('(60003 chars)')));
});

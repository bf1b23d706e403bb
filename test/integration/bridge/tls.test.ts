/** The embedded broker's TLS listener: a car verifying the server with the CA connects and publishes; bad TLS config is refused by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, kafkaTopicName, protocolExamples } from '../../../protocol/index.js';
import { makeTestCertificates } from '../../../infra/tls/test-certificates.js';
import { createBackend } from '../../../backend/app.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { isV2xError } from '../../../core/errors.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, collect, connectCar, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';
import { networkSource } from '../../../app/network.js';

test('a car connects over TLS (server verified with the CA) and its telemetry reaches Kafka', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeTestCertificates(dir);
  const { config, backend, kafka } = await startBackendOnTestKafka(t, {
    'mqtt.tlsPort': 0,
    'mqtt.tlsKeyFile': certs.keyFile,
    'mqtt.tlsCertFile': certs.certFile,
  });
  assert.ok(backend.broker!.tlsUrl?.startsWith('mqtts://localhost:'));
  const out = await collect(t, kafka, kafkaTopicName('telemetry', config.bridge.topicPrefix));
  const vin = testVin(42);
  const car = await connectCar(t, backend.broker!.tlsUrl!, vin, config.mqtt.fleetKey, {
    ca: readFileSync(certs.caFile),
    rejectUnauthorized: true,
  });
  await car.publishAsync(
    `v2x/v1/${vin}/telemetry`,
    encode('telemetry', { ...protocolExamples.telemetryExamples[0]!, vin, seq: 0, ts: Date.now() }),
    { qos: 1 },
  );
  await out.until(1);
  assert.equal(out.records[0]?.key, vin);
});

test('a TLS key without a certificate, or an unreadable file, is refused naming the key', async (t) => {
  const { brokers } = await testKafka(t);
  const kafka = createKafkaClient({ brokers, clientId: 'tls-test' });
  for (const [flags, expected] of [
    [{ 'mqtt.tlsKeyFile': '/nonexistent/key.pem' }, /tlsKeyFile and mqtt.tlsCertFile go together/],
    [
      { 'mqtt.tlsKeyFile': '/nonexistent/key.pem', 'mqtt.tlsCertFile': '/nonexistent/cert.pem' },
      /mqtt.tlsKeyFile: cannot read \/nonexistent\/key.pem/,
    ],
  ] as const) {
    const config = backendConfig(brokers, { ...flags, 'backend.roles': 'broker' });
    await assert.rejects(
      createBackend({ config, network: networkSource(config.sim), kafka }).start(),
      (err: unknown) => isV2xError(err, 'CONFIG_INVALID') && expected.test(err.message),
    );
  }
});

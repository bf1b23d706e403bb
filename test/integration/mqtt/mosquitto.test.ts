import { defineSessionSuite, type TestBroker } from './suite.js';
import { startMosquitto } from '../../helpers/mosquitto.js';

defineSessionSuite('mosquitto', async (t, options = {}): Promise<TestBroker> => {
  const m = await startMosquitto(t, options.users === undefined ? {} : { users: options.users });
  return {
    name: 'mosquitto',
    host: m.host,
    port: m.port,
    supportsV5: true,
    // Mosquitto 2 answers a wrong password with 5 / 0x87 "not authorized", not 4 / 0x86.
    badPasswordCode: 'MQTT_NOT_AUTHORIZED',
    stop: () => m.stop(),
    restart: () => m.restart(),
  };
});

/**
 * Child process entry: the embedded broker (aedes, backend/broker/embedded.ts) on a free port of
 * 127.0.0.1, without authentication (a broker load test), in its own process so that it gets a
 * core of its own like any external broker and competes with neither the runner nor the probe.
 * Sends { type: 'ready', url } over IPC; ends when its parent disconnects or sends SIGTERM.
 */
import { Type } from '@sinclair/typebox';
import { loadConfig } from '../../core/config/load.js';
import { configureLogging } from '../../core/log.js';
import { mqttConfigSchema } from '../../backend/broker/config.js';

configureLogging('warn');
// imported after the logging level is set (the broker module makes its logger when loaded)
const { startEmbeddedBroker } = await import('../../backend/broker/embedded.js');
const config = loadConfig(Type.Object({ mqtt: mqttConfigSchema }), {
  flags: { 'mqtt.host': '127.0.0.1', 'mqtt.port': 0, 'mqtt.wsPort': 0, 'mqtt.auth': false },
}).mqtt;
const broker = await startEmbeddedBroker(config);
let closing = false;
const end = (): void => {
  if (closing) return;
  closing = true;
  void broker.close().then(() => process.exit(0));
};
process.on('disconnect', end);
process.on('SIGTERM', end);
process.send?.({ type: 'ready', url: broker.tcpUrl, pid: process.pid });

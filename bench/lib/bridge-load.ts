/**
 * Load generator for bench/bridge.ts, run as a child process: N cars as lean MQTT sessions, each
 * keeping a window of QoS 1 telemetry publishes in flight and sending the next one on every PUBACK
 * (closed loop: the fastest rate the broker + bridge + Kafka sustain). Reports counts to the parent
 * over IPC once a second; stops on 'stop' and reports the final counts.
 *
 *   node bridge-load.js <mqtt-url> <cars> <fleetKey> <window> <first-vin-index>
 */
import { carPassword } from '../../protocol/credentials.js';
import { completeVin, encode, protocolExamples, telemetryTopic } from '../../protocol/index.js';
import { encodeTopic, PublishResult, SessionPool, type MqttSession, type EncodedTopic } from '../../mqtt/index.js';

const [url = '', carsArg = '100', fleetKey = '', windowArg = '8', firstArg = '0'] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const cars = Number(carsArg);
const window = Number(windowArg);
const first = Number(firstArg);

interface Car {
  readonly vin: string;
  readonly topic: EncodedTopic;
  seq: number;
}

const base = protocolExamples.telemetryExamples[0]!;
let sent = 0;
let acked = 0;
let stopping = false;
let started = false;

function publishNext(s: MqttSession<Car>): void {
  const car = s.tag;
  const payload = encode('telemetry', { ...base, vin: car.vin, seq: car.seq, ts: Date.now() }, 'binary');
  if (s.publish(car.topic, payload, 1) !== PublishResult.DROPPED) {
    car.seq++;
    sent++;
  }
}

const pool = new SessionPool<Car>({
  rampPerSecond: 2000,
  events: {
    connected(s) {
      // A reconnect after the start refills the window; the first fill waits until all are connected.
      if (started) for (let i = 0; i < window && !stopping; i++) publishNext(s);
    },
    puback(s) {
      acked++;
      if (!stopping) publishNext(s);
    },
  },
});
for (let i = 0; i < cars; i++) {
  const vin = completeVin(`1V2XB0S0XNA${String(first + i).padStart(6, '0')}`);
  pool.add(
    {
      clientId: vin,
      transport: { host: hostname, port: Number(port) },
      username: vin,
      password: carPassword(fleetKey, vin),
      keepalive: 60,
      inflightWindow: Math.max(16, window * 2),
      maxQueued: window * 4,
    },
    { vin, topic: encodeTopic(telemetryTopic(vin)), seq: 0 },
  );
}
await pool.start();
await pool.whenConnected(cars, 60_000);
started = true;
for (const s of pool.sessions) for (let i = 0; i < window; i++) publishNext(s);
process.send?.({ type: 'ready', connected: pool.stats.states.connected });

const report = setInterval(() => process.send?.({ type: 'tick', sent, acked }), 1000);
process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  stopping = true;
  clearInterval(report);
  // Wait for what is in flight to be acknowledged, bounded.
  const deadline = Date.now() + 30_000;
  const check = setInterval(() => {
    if (acked >= sent || Date.now() > deadline) {
      clearInterval(check);
      const cpu = process.cpuUsage();
      process.send?.({ type: 'done', sent, acked, cpuUs: cpu.user + cpu.system }, () => {
        void pool.close().finally(() => process.exit(0));
      });
    }
  }, 50);
});

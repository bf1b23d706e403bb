/**
 * Benchmark: sustained QoS 1 messages per second from simulated cars through the embedded broker and
 * the bridge into Kafka, with zero loss, everything (load generator, broker, bridge, Kafka) on this
 * machine. The cars run closed-loop (a window of publishes in flight each), so the rate is what the
 * chain sustains; a car's PUBACK comes only after Kafka's acknowledgement (acks=all).
 * Figures: msgs/s over the measuring window, CPU per message of the broker+bridge process, of Kafka
 * (its JVM) and of the load generator, and loss: records in Kafka minus messages acknowledged.
 *
 *   npm run bench -- bridge [--cars 1000] [--window 8] [--seconds 30] [--warmup 5] [--producers 1] [--encoder fast|kafkajs]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { configureLogging } from '../core/log.js';
import { kafkaTopicName } from '../protocol/index.js';
import { benchConfig, startBenchKafka, startInProcessBackend } from './lib/backend.js';
import { numberFlags, stringFlag } from './lib/flags.js';
import { processCpuSeconds } from './lib/proc-cpu.js';

const { cars, window, seconds, warmup, producers } = numberFlags({ cars: 1000, window: 8, seconds: 30, warmup: 5, producers: 1 });
const encoder = stringFlag('encoder', 'fast');
if (encoder !== 'fast' && encoder !== 'kafkajs') {
  console.error(`bridge bench: --encoder must be fast or kafkajs (got ${String(encoder)})`);
  process.exit(2);
}

configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[bridge bench] ${s}\n`);

status('starting Kafka');
const kafka = await startBenchKafka(status);
const kafkaPid = kafka.pids[0]!;
let exitCode = 0;
try {
  const config = benchConfig(kafka.brokers, {
    // The chain under test: the broker and the bridge, not the services that consume telemetry.
    'backend.roles': 'broker,bridge',
    'bridge.producers': producers,
    'kafka.fastProduce': encoder === 'fast',
  });
  // Closed at the end of the run, below, after the figures are read.
  const { backend, kafka: client } = await startInProcessBackend({ after: () => undefined }, config, 'bench-bridge');

  status(`connecting ${cars} cars (window ${window} each)`);
  const load = fork(
    fileURLToPath(new URL('./lib/bridge-load.js', import.meta.url)),
    [backend.broker!.tcpUrl, String(cars), config.mqtt.fleetKey, String(window), '0'],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  let last = { sent: 0, acked: 0 };
  const ready = new Promise<void>((resolve, reject) => {
    load.on('message', (m: { type: string; sent?: number; acked?: number }) => {
      if (m.type === 'ready') resolve();
      if (m.type === 'tick') last = { sent: m.sent ?? 0, acked: m.acked ?? 0 };
    });
    load.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
  });
  await ready;

  const sample = () => ({ t: performance.now(), acked: last.acked, self: process.cpuUsage(), kafka: processCpuSeconds(kafkaPid) });
  const waitS = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
  status(`warming up ${warmup} s`);
  await waitS(warmup);
  const a = sample();
  const rates: number[] = [];
  let prev = a.acked;
  for (let i = 0; i < seconds; i++) {
    await waitS(1);
    rates.push(last.acked - prev);
    prev = last.acked;
    const st = backend.bridge!.sink.stats;
    process.stderr.write(
      `[bridge bench] ${i + 1}/${seconds} s: ${rates.at(-1)} msg/s, buffered ${backend.bridge!.sink.depth}, last batch ${st.lastBatchSize} records in ${st.lastProduceMs.toFixed(0)} ms\n`,
    );
  }
  const b = sample();
  const done = new Promise<{ sent: number; acked: number; cpuUs: number }>((resolve) =>
    load.on('message', (m: { type: string; sent: number; acked: number; cpuUs: number }) => m.type === 'done' && resolve(m)),
  );
  load.send({ type: 'stop' });
  const final = await done;
  await backend.bridge!.sink.flushed();

  const admin = await client.admin();
  const offsets = (await admin.topicOffsets(kafkaTopicName('telemetry'))).reduce((n, p) => n + p.high - p.low, 0);
  await admin.close();
  await backend.close();

  const elapsedS = (b.t - a.t) / 1000;
  const msgs = b.acked - a.acked;
  const selfUs = b.self.user + b.self.system - (a.self.user + a.self.system);
  const sorted = [...rates].sort((x, y) => x - y);
  const result = {
    msgs_per_s: Math.round(msgs / elapsedS),
    median_msgs_per_s: sorted[Math.floor(sorted.length / 2)] ?? 0,
    lost: Math.max(0, final.acked - offsets),
    duplicates: Math.max(0, offsets - final.sent),
    acked: final.acked,
    records_in_kafka: offsets,
    broker_bridge_us_per_msg: Number((selfUs / msgs).toFixed(1)),
    kafka_us_per_msg: Number((((b.kafka - a.kafka) * 1e6) / msgs).toFixed(1)),
    cars,
    window,
    producers,
    encoder,
    seconds,
    target_msgs_per_s: 20_000,
  };
  console.log(`bridge: ${cars} cars, window ${window}, ${encoder} produce encoder, ${seconds} s measured after ${warmup} s warm-up`);
  console.log(`  sustained ${result.msgs_per_s} msg/s (median second ${result.median_msgs_per_s}); target 20,000`);
  console.log(`  CPU per message: broker+bridge ${result.broker_bridge_us_per_msg} us, Kafka ${result.kafka_us_per_msg} us`);
  console.log(`  acknowledged ${final.acked}, records in Kafka ${offsets}: lost ${result.lost}, duplicates ${result.duplicates}`);
  console.log(JSON.stringify(result));
  if (result.lost > 0) exitCode = 1;
} finally {
  await kafka.stop();
}
process.exit(exitCode);

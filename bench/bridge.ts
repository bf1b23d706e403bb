/**
 * Benchmark: sustained QoS 1 messages per second from simulated cars through the embedded broker and
 * the bridge into Kafka, with zero loss, everything (load generator, broker, bridge, Kafka) on this
 * machine. The cars run closed-loop (a window of publishes in flight each), so the rate is what the
 * chain sustains; a car's PUBACK comes only after Kafka's acknowledgement (acks=all).
 * The backend is the shipped topology (decision 0026) with backend.roles broker,bridge, started as
 * `v2x backend --roles broker,bridge` starts it (bench/lib/stack.ts): edge processes sized to this
 * machine (--edges = stack.edges, --single-process = stack.singleProcess), each with its share of
 * the cars (a load generator per edge); the JSON's `topology` lists the processes that ran.
 * Figures: msgs/s over the measuring window, CPU per message of the backend's processes (from their
 * probes, each process listed) and of Kafka (its JVM), and loss: records in Kafka minus messages
 * acknowledged.
 *
 *   npm run bench -- bridge [--cars 1000] [--window 8] [--seconds 30] [--warmup 5] [--producers 1] [--client kafkajs|platformatic|confluent]
 *        [--edges 0] [--single-process]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { configureLogging } from '../core/log.js';
import { kafkaTopicName } from '../protocol/index.js';
import { createKafkaClient, DEFAULT_KAFKA_CLIENT, kafkaClientName, type KafkaClientName } from '../backend/kafka/index.js';
import { benchConfig, startBenchKafka } from './lib/backend.js';
import { startBenchStack } from './lib/stack.js';
import { numberFlags, stringFlag } from './lib/flags.js';
import { processCpuSeconds } from './lib/proc-cpu.js';

const { cars, window, seconds, warmup, producers, edges } = numberFlags({
  cars: 1000,
  window: 8,
  seconds: 30,
  warmup: 5,
  producers: 1,
  edges: 0,
});
const single = process.argv.includes('--single-process');
let clientName: KafkaClientName;
try {
  clientName = kafkaClientName(stringFlag('client', DEFAULT_KAFKA_CLIENT));
} catch (err) {
  console.error(`bridge bench: --client: ${(err as Error).message}`);
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
    'kafka.client': clientName,
    'stack.edges': edges,
    'stack.singleProcess': single,
  });
  const client = createKafkaClient({ brokers: kafka.brokers, clientId: 'bench-bridge' });
  // Closed at the end of the run, below, after the figures are read.
  const backend = await startBenchStack(config, { status });
  status(`topology: ${backend.topology.processes.map((p) => `${p.name} (${p.roles})`).join(', ')}`);

  // one load generator per edge, each with its share of the cars (distinct VINs)
  const urls = backend.mqttUrls;
  const share = (i: number): number => Math.floor(cars / urls.length) + (i < cars % urls.length ? 1 : 0);
  status(`connecting ${cars} cars (window ${window} each) to ${urls.join(', ')}`);
  const loads = urls.map((url, i) =>
    fork(
      fileURLToPath(new URL('./lib/bridge-load.js', import.meta.url)),
      [url, String(share(i)), config.mqtt.fleetKey, String(window), String(urls.slice(0, i).reduce((n, _, j) => n + share(j), 0))],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    ),
  );
  const lasts = loads.map(() => ({ sent: 0, acked: 0 }));
  const last = {
    get acked() {
      return lasts.reduce((n, l) => n + l.acked, 0);
    },
  };
  await Promise.all(
    loads.map(
      (load, i) =>
        new Promise<void>((resolve, reject) => {
          load.on('message', (m: { type: string; sent?: number; acked?: number }) => {
            if (m.type === 'ready') resolve();
            if (m.type === 'tick') lasts[i] = { sent: m.sent ?? 0, acked: m.acked ?? 0 };
          });
          load.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
        }),
    ),
  );

  const sample = () => ({ t: performance.now(), acked: last.acked, kafka: processCpuSeconds(kafkaPid) });
  const waitS = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
  status(`warming up ${warmup} s`);
  await waitS(warmup);
  const win = await backend.window();
  const a = sample();
  const rates: number[] = [];
  let prev = a.acked;
  for (let i = 0; i < seconds; i++) {
    await waitS(1);
    rates.push(last.acked - prev);
    prev = last.acked;
    process.stderr.write(`[bridge bench] ${i + 1}/${seconds} s: ${rates.at(-1)} msg/s\n`);
  }
  const b = sample();
  const w = await win.end();
  const finals = await Promise.all(
    loads.map((load) => {
      const done = new Promise<{ sent: number; acked: number }>((resolve) =>
        load.on('message', (m: { type: string; sent: number; acked: number }) => m.type === 'done' && resolve(m)),
      );
      load.send({ type: 'stop' });
      return done;
    }),
  );
  const final = finals.reduce((t, f) => ({ sent: t.sent + f.sent, acked: t.acked + f.acked }), { sent: 0, acked: 0 });
  // stopping the stack flushes every bridge's buffer to Kafka
  await backend.close();

  const admin = await client.admin();
  const offsets = (await admin.topicOffsets(kafkaTopicName('telemetry', config.bridge.topicPrefix))).reduce(
    (n, p) => n + p.high - p.low,
    0,
  );
  await admin.close();

  const elapsedS = (b.t - a.t) / 1000;
  const msgs = b.acked - a.acked;
  const backendUs = w.processes.reduce((n, p) => n + p.cpu_s, 0) * 1e6;
  const sorted = [...rates].sort((x, y) => x - y);
  const result = {
    msgs_per_s: Math.round(msgs / elapsedS),
    median_msgs_per_s: sorted[Math.floor(sorted.length / 2)] ?? 0,
    lost: Math.max(0, final.acked - offsets),
    duplicates: Math.max(0, offsets - final.sent),
    acked: final.acked,
    records_in_kafka: offsets,
    broker_bridge_us_per_msg: Number((backendUs / msgs).toFixed(1)),
    kafka_us_per_msg: Number((((b.kafka - a.kafka) * 1e6) / msgs).toFixed(1)),
    cars,
    window,
    producers,
    client: clientName,
    seconds,
    target_msgs_per_s: 20_000,
    topology: backend.topology,
    processes: w.processes.map((p) => ({
      process: p.process,
      roles: p.roles,
      cpu_pct: p.cpu_pct,
      us_per_msg: Number(((p.cpu_s * 1e6) / msgs).toFixed(1)),
      loop_delay_p99_ms: p.loop_delay_p99_ms,
    })),
  };
  console.log(`bridge: ${cars} cars, window ${window}, Kafka client ${clientName}, ${seconds} s measured after ${warmup} s warm-up`);
  console.log(`  sustained ${result.msgs_per_s} msg/s (median second ${result.median_msgs_per_s}); target 20,000`);
  console.log(`  CPU per message: backend ${result.broker_bridge_us_per_msg} us, Kafka ${result.kafka_us_per_msg} us`);
  for (const p of result.processes) console.log(`    ${p.process} (${p.roles}): ${p.us_per_msg} us/msg, ${p.cpu_pct}% CPU`);
  console.log(`  acknowledged ${final.acked}, records in Kafka ${offsets}: lost ${result.lost}, duplicates ${result.duplicates}`);
  console.log(JSON.stringify(result));
  if (result.lost > 0) exitCode = 1;
} finally {
  await kafka.stop();
}
process.exit(exitCode);

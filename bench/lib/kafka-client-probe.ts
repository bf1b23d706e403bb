/**
 * One Kafka client library measured alone in this process (bench/kafka-clients.ts forks one per
 * client, so CPU and memory are that library's): `node kafka-client-probe.js <client> <brokers> <prefix> <seconds>`.
 *
 * 1. Throughput: the bridge's write path (a KafkaWriter with the bridge's default settings over an
 *    idempotent acks=all producer) fed closed-loop by `cars` cars with `window` telemetry records in
 *    flight each, as the bridge's PUBACK waits for Kafka; then loss = acknowledged - records in Kafka.
 * 2. Latency: the same writer at a fixed rate (`rate` records/s, spread over the second) while a
 *    consumer group (the services' default fetch) reads the topic: produce latency is append to
 *    acknowledgement, consume latency is append to the consumer's handler.
 * Prints one JSON line with the figures.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../core/clock.js';
import { Histogram } from '../../core/histogram.js';
import { configureLogging } from '../../core/log.js';
import { loadConfig } from '../../core/config/load.js';
import { configSchema } from '../../app/config-schema.js';
import { createKafkaClient, kafkaClientName, type OutRecord } from '../../backend/kafka/index.js';
import { KafkaWriter } from '../../backend/kafka/writer.js';
import { numberFlags } from './flags.js';

const [clientArg, brokersArg, prefix = 'kc.', secondsArg = '10'] = process.argv.slice(2);
const client = kafkaClientName(clientArg);
const brokers = (brokersArg ?? '').split(',');
const seconds = Number(secondsArg);
const { cars, window, rate } = numberFlags({ cars: 1000, window: 8, rate: 2000 });
configureLogging('error');

const bridge = loadConfig(configSchema, {}).bridge;
const kafka = createKafkaClient({ brokers, clientId: `bench-kc-${client}`, client });
const admin = await kafka.admin();
const topic = `${prefix}${client}-${randomUUID().slice(0, 6)}`;
await admin.createTopics([{ name: topic, partitions: 6 }]);

const payload = JSON.stringify({
  v: 1,
  vin: 'WVWZZZ1JZXW000001',
  seq: 0,
  ts: Date.now(),
  pos: { lat: 48.137154, lon: 11.576124, alt: 519.2, hdg: 271.4, acc: 3.2 },
  speedKmh: 47.3,
  odometerKm: 12034.7,
  engine: { rpm: 1840, coolantC: 88.5, fuelPct: 61.2, on: true },
});
const vins = Array.from({ length: cars }, (_, i) => `WVWZZZ1JZ${String(i).padStart(8, '0')}`);
const record = (vin: string, sentAt: number): OutRecord => ({
  topic,
  key: vin,
  value: payload,
  headers: { 'v2x-mqtt-topic': `v2x/v1/${vin}/telemetry`, 'v2x-sent-at': sentAt.toFixed(3) },
});

const producer = await kafka.producer({ acksAll: true, idempotent: true });
const writer = new KafkaWriter(producer, {
  name: 'bench',
  maxBatchRecords: bridge.maxBatchRecords,
  maxBatchBytes: bridge.maxBatchBytes,
  lingerMs: bridge.lingerMs,
  maxBufferedRecords: bridge.maxBufferedRecords,
  retry: { minMs: 50, maxMs: bridge.retryMaxMs },
  deadLetterTopic: `${prefix}deadletter`,
  clock: systemClock,
});

// 1. throughput, closed loop
let acked = 0;
let failed = 0;
let running = true;
const loop = async (vin: string): Promise<void> => {
  while (running) {
    try {
      await writer.append(record(vin, performance.now()));
      acked++;
    } catch {
      failed++;
    }
  }
};
const warm = Date.now() + 2000;
const loops = vins.flatMap((vin) => Array.from({ length: window }, () => loop(vin)));
while (Date.now() < warm) await new Promise((r) => setTimeout(r, 100));
global.gc?.();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const acked0 = acked;
let rssPeak = 0;
const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu1 = process.cpuUsage(cpu0);
const t1 = performance.now();
const measured = acked - acked0;
running = false;
await Promise.all(loops);
await writer.flushed();
const inKafka = (await admin.topicOffsets(topic)).reduce((n, p) => n + p.high - p.low, 0);
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;

// 2. latency at a fixed rate, with a consumer
// microseconds (the histogram keeps integers)
const produceMs = new Histogram();
const consumeMs = new Histogram();
const latencyTopicStart = inKafka;
let consumed = 0;
let measuring = false;
const consumer = await kafka.consumer({ groupId: `bench-kc-${randomUUID()}`, topics: [topic], fromBeginning: false });
await consumer.start(async (batch) => {
  const now = performance.now();
  for (const r of batch) {
    const sent = Number(r.headers['v2x-sent-at']);
    if (measuring && Number.isFinite(sent)) {
      consumeMs.record((now - sent) * 1000);
      consumed++;
    }
  }
});
const perTick = Math.max(1, Math.round(rate / 100));
let seq = 0;
let produced = 0;
const tick = setInterval(() => {
  for (let i = 0; i < perTick; i++) {
    const sent = performance.now();
    writer.append(record(vins[seq++ % vins.length]!, sent)).then(
      () => {
        if (measuring) produceMs.record((performance.now() - sent) * 1000);
      },
      () => undefined,
    );
    produced++;
  }
}, 10);
await new Promise((r) => setTimeout(r, 2000)); // warm-up: the group joined, fetches running
measuring = true;
const producedAtStart = produced;
const lat1 = process.cpuUsage();
await new Promise((r) => setTimeout(r, seconds * 1000));
const latCpu = process.cpuUsage(lat1);
const latMsgs = produced - producedAtStart;
measuring = false;
clearInterval(tick);
await writer.close();
await consumer.close();
await producer.close();
clearInterval(rssTimer);
await admin.deleteTopics([topic]).catch(() => undefined);
await admin.close();

const us = (c: NodeJS.CpuUsage, n: number): number => Number(((c.user + c.system) / Math.max(1, n)).toFixed(1));
const ms = (h: Histogram, q: number): number => Number((h.percentile(q) / 1000).toFixed(2));
console.log(
  JSON.stringify({
    client,
    msgs_per_s: Math.round(measured / ((t1 - t0) / 1000)),
    lost: Math.max(0, acked - inKafka),
    failed,
    acked,
    records_in_kafka: inKafka,
    us_per_msg: us(cpu1, measured),
    rss_peak_mb: Math.round(rssPeak / 2 ** 20),
    heap_mb: Math.round(heapMb),
    rate,
    produce_p50_ms: ms(produceMs, 50),
    produce_p99_ms: ms(produceMs, 99),
    consume_p50_ms: ms(consumeMs, 50),
    consume_p99_ms: ms(consumeMs, 99),
    consumed,
    latency_us_per_msg: us(latCpu, latMsgs),
    latency_topic_start: latencyTopicStart,
  }),
);
process.exit(0);

/**
 * Benchmark: the Kafka client libraries behind backend/kafka/types.ts side by side in one run,
 * against one local Kafka (infra/kafka): kafkajs 2.2.4 as published, @platformatic/kafka, and
 * @confluentinc/kafka-javascript when it is installed (a native build). Each runs in its own process
 * (bench/lib/kafka-client-probe.ts) one after the other, so CPU and memory are that library's.
 * Figures per client: throughput at 0 loss through the bridge's writer (closed loop, acks=all,
 * idempotent), produce and consume latency p50/p99 at a fixed rate, CPU per message, memory; then
 * the ratios to kafkajs. Decision 0031 has the recorded figures.
 *
 *   npm run bench -- kafka-clients [--seconds 10] [--cars 1000] [--window 8] [--rate 2000] [--clients kafkajs,platformatic,confluent]
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { KAFKA_CLIENTS, kafkaClientName, type KafkaClientName } from '../backend/kafka/index.js';
import { configureLogging } from '../core/log.js';
import { startBenchKafka } from './lib/backend.js';
import { numberFlags, stringFlag } from './lib/flags.js';

const { seconds, cars, window, rate } = numberFlags({ seconds: 10, cars: 1000, window: 8, rate: 2000 });
const asked = stringFlag('clients', KAFKA_CLIENTS.join(','))
  .split(',')
  .map((c) => kafkaClientName(c.trim()));
configureLogging('warn');
const status = (s: string): void => void process.stderr.write(`[kafka-clients bench] ${s}\n`);

/** The optional native client runs only when its package loads (it needs a build: decision 0031). */
function installed(name: KafkaClientName): string | undefined {
  if (name !== 'confluent') return undefined;
  try {
    createRequire(import.meta.url)('@confluentinc/kafka-javascript');
    return undefined;
  } catch (err) {
    return `@confluentinc/kafka-javascript does not load: ${(err as Error).message.split('\n')[0]}`;
  }
}

interface Figures {
  client: KafkaClientName;
  msgs_per_s: number;
  lost: number;
  us_per_msg: number;
  rss_peak_mb: number;
  heap_mb: number;
  produce_p50_ms: number;
  produce_p99_ms: number;
  consume_p50_ms: number;
  consume_p99_ms: number;
  latency_us_per_msg: number;
  [k: string]: unknown;
}

status('starting Kafka');
const kafka = await startBenchKafka(status);
const results: Figures[] = [];
const skipped: Record<string, string> = {};
let exitCode = 0;
try {
  for (const client of asked) {
    const missing = installed(client);
    if (missing !== undefined) {
      skipped[client] = missing;
      status(`${client}: skipped (${missing})`);
      continue;
    }
    status(`${client}: ${seconds} s closed loop (${cars} cars x ${window}), then ${seconds} s at ${rate} msg/s with a consumer`);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--expose-gc',
          fileURLToPath(new URL('./lib/kafka-client-probe.js', import.meta.url)),
          client,
          kafka.brokers.join(','),
          'benchkc.',
          String(seconds),
          '--cars',
          String(cars),
          '--window',
          String(window),
          '--rate',
          String(rate),
        ],
        { maxBuffer: 16 * 2 ** 20, timeout: (seconds * 2 + 120) * 1000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${client}: ${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    const line = out.trim().split('\n').at(-1) ?? '';
    const f = JSON.parse(line) as Figures;
    results.push(f);
    status(
      `${client}: ${f.msgs_per_s} msg/s, lost ${f.lost}, ${f.us_per_msg} us/msg, produce p99 ${f.produce_p99_ms} ms, consume p99 ${f.consume_p99_ms} ms`,
    );
    if (f.lost > 0) exitCode = 1;
  }
} finally {
  await kafka.stop();
}

const base = results.find((r) => r.client === 'kafkajs');
const ratio = (a: number, b: number | undefined): number | null => (b === undefined || b === 0 ? null : Number((a / b).toFixed(2)));
const ratios = Object.fromEntries(
  results
    .filter((r) => r.client !== 'kafkajs')
    .map((r) => [
      r.client,
      {
        throughput: ratio(r.msgs_per_s, base?.msgs_per_s),
        us_per_msg: ratio(r.us_per_msg, base?.us_per_msg),
        produce_p99: ratio(r.produce_p99_ms, base?.produce_p99_ms),
        consume_p99: ratio(r.consume_p99_ms, base?.consume_p99_ms),
        rss: ratio(r.rss_peak_mb, base?.rss_peak_mb),
      },
    ]),
);

const row = (cells: (string | number)[]): string => cells.map((c, i) => String(c).padStart(i === 0 ? 13 : 11)).join(' ');
console.log(`kafka-clients: ${seconds} s per phase; closed loop ${cars} cars x ${window} in flight; latency at ${rate} msg/s`);
console.log(row(['client', 'msg/s', 'lost', 'us/msg', 'prod p50', 'prod p99', 'cons p50', 'cons p99', 'us/msg@rate', 'RSS MB', 'heap MB']));
for (const r of results)
  console.log(
    row([
      r.client,
      r.msgs_per_s,
      r.lost,
      r.us_per_msg,
      r.produce_p50_ms,
      r.produce_p99_ms,
      r.consume_p50_ms,
      r.consume_p99_ms,
      r.latency_us_per_msg,
      r.rss_peak_mb,
      r.heap_mb,
    ]),
  );
for (const [client, r] of Object.entries(ratios))
  console.log(
    `  ${client} / kafkajs: throughput x${r.throughput}, CPU per message x${r.us_per_msg}, produce p99 x${r.produce_p99}, consume p99 x${r.consume_p99}, RSS x${r.rss}`,
  );
for (const [client, why] of Object.entries(skipped)) console.log(`  ${client}: not measured (${why})`);
console.log(JSON.stringify({ seconds, cars, window, rate, clients: results, ratios_to_kafkajs: ratios, skipped }));
process.exit(exitCode);

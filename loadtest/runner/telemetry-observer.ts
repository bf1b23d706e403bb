/**
 * What every end-to-end probe does with a telemetry payload, wherever it was read (an MQTT
 * subscription, a Kafka topic): the arrival, the end-to-end latency (car timestamp to now) and
 * the car's sequence number (loss, duplicates, reordering) go into the collector, at times
 * relative to the run's t = 0; and the wait for the tail after the fleet stopped.
 */
import type { Clock } from '../../core/clock.js';
import { decodeBinaryUnchecked, isBinaryMagic } from '../../protocol/codec/binary.js';
import type { MetricsCollector } from '../metrics/collector.js';

/** The fields of a telemetry payload a probe reads (JSON or binary), without schema validation. */
export function readTelemetry(payload: Uint8Array): { vin: string; seq: number; ts: number } | undefined {
  try {
    const v = (
      isBinaryMagic(payload[0] ?? 0) ? decodeBinaryUnchecked('telemetry', payload) : JSON.parse(Buffer.from(payload).toString('utf8'))
    ) as {
      vin?: unknown;
      seq?: unknown;
      ts?: unknown;
    };
    if (typeof v.vin !== 'string' || typeof v.seq !== 'number' || typeof v.ts !== 'number') return undefined;
    return { vin: v.vin, seq: v.seq, ts: v.ts };
  } catch {
    return undefined;
  }
}

export class TelemetryObserver {
  readonly #clock: Clock;
  #collector: MetricsCollector | undefined;
  /** Epoch ms of the run's t = 0. */
  #startEpochMs = 0;
  /** Monotonic ms of the last message (to wait for the tail at the end). */
  lastMessageAt = 0;
  received = 0;
  undecodable = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** From now on messages are recorded in `collector`, at times relative to `startEpochMs`. */
  attach(collector: MetricsCollector, startEpochMs: number): void {
    this.#collector = collector;
    this.#startEpochMs = startEpochMs;
  }

  /** Ms since the run's t = 0 (for errors the probe records). */
  tMs(): number {
    return this.#clock.now() - this.#startEpochMs;
  }

  get collector(): MetricsCollector | undefined {
    return this.#collector;
  }

  /** A telemetry payload arrived now. Ignored before `attach`. */
  observe(payload: Uint8Array): void {
    const c = this.#collector;
    if (c === undefined) return;
    const now = this.#clock.now();
    this.lastMessageAt = this.#clock.monotonic();
    this.received++;
    const t = readTelemetry(payload);
    const tMs = now - this.#startEpochMs;
    if (t === undefined) {
      this.undecodable++;
      c.error(tMs, 'PAYLOAD_UNDECODABLE');
      return;
    }
    c.received(tMs, 'telemetry', t.vin, t.seq);
    c.latency(tMs, 'e2e', Math.max(0, now - t.ts) * 1000);
  }

  /** Resolves once no message has arrived for quietMs (the tail after the fleet stopped), or after maxMs. */
  async drained(quietMs: number, maxMs: number): Promise<void> {
    const clock = this.#clock;
    const start = clock.monotonic();
    for (;;) {
      const now = clock.monotonic();
      const wait = Math.min(Math.max(this.lastMessageAt, start) + quietMs, start + maxMs) - now;
      if (wait <= 0) return;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
    }
  }
}

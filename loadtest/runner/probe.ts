/**
 * The probe subscriber: a service MQTT session (service-session.ts) subscribed to the fleet's
 * telemetry, every car (`v2x/v1/+/telemetry`) or a sampled share of them (one topic per sampled
 * VIN). Each message goes to the TelemetryObserver (arrival, end-to-end latency, sequence). It
 * subscribes with the scenario's QoS before the fleet starts, so the first message of every car can
 * be seen. Decision record 0016 says why a subscriber; kafka-probe.ts measures at Kafka instead.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import type { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { telemetryTopic } from '../../protocol/topics.js';
import type { BrokerAddress } from '../../simulator/config.js';
import type { ProtocolVersion, QoS } from '../../mqtt/index.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { openServiceSession, type ServiceSession } from './service-session.js';
import { TelemetryObserver } from './telemetry-observer.js';

const log = logger('loadtest-probe');

export interface ProbeOptions {
  readonly broker: BrokerAddress;
  readonly caFile?: string;
  readonly protocolVersion: ProtocolVersion;
  readonly qos: QoS;
  /** VINs to probe; undefined = every car (one wildcard subscription). */
  readonly vins?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly clock?: Clock;
  readonly connectTimeoutMs?: number;
}

/** What the runner needs of a probe, at the MQTT subscriber or at Kafka. */
export interface E2eProbe {
  start(): Promise<void>;
  attach(collector: MetricsCollector, startEpochMs: number): void;
  drained(quietMs: number, maxMs: number): Promise<void>;
  close(): Promise<void>;
}

export class Probe implements E2eProbe {
  readonly #options: ProbeOptions;
  readonly #observer: TelemetryObserver;
  #session: ServiceSession | undefined;

  constructor(options: ProbeOptions) {
    this.#options = options;
    this.#observer = new TelemetryObserver(options.clock ?? systemClock);
  }

  get received(): number {
    return this.#observer.received;
  }

  /** Connects and subscribes; resolves once the broker has granted the subscriptions. */
  async start(): Promise<void> {
    const o = this.#options;
    const topics = o.vins === undefined ? ['v2x/v1/+/telemetry'] : o.vins.map(telemetryTopic);
    this.#session = await openServiceSession({
      broker: o.broker,
      ...(o.caFile !== undefined && { caFile: o.caFile }),
      protocolVersion: o.protocolVersion,
      qos: o.qos,
      topics,
      ...(o.username !== undefined && { username: o.username }),
      ...(o.password !== undefined && { password: o.password }),
      label: 'probe subscriber',
      ...(o.clock !== undefined && { clock: o.clock }),
      ...(o.connectTimeoutMs !== undefined && { connectTimeoutMs: o.connectTimeoutMs }),
      onMessage: (m) => this.#observer.observe(m.payload),
      onError: (e) => this.#error(e),
    });
    log.debug({ topics: topics.length }, 'probe subscribed');
  }

  attach(collector: MetricsCollector, startEpochMs: number): void {
    this.#observer.attach(collector, startEpochMs);
  }

  #error(e: V2xError): void {
    log.warn({ code: e.code, err: e.message }, 'probe subscriber error');
    this.#observer.collector?.error(this.#observer.tMs(), `PROBE_${e.code}`);
  }

  drained(quietMs: number, maxMs: number): Promise<void> {
    return this.#observer.drained(quietMs, maxMs);
  }

  async close(): Promise<void> {
    await this.#session?.close();
  }
}

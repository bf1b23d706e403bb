/**
 * The hop histograms (core/latency-hops.ts, decision 0030): `v2x_hop_seconds{hop, service, mode}`,
 * the time from a message's car timestamp to each hop, per service and live/stored, on the
 * process's registry (so /metrics of the stack shows every process's hops); and the live window the
 * dashboard's system panel draws its waterfall from.
 */
import { Histogram, type Registry } from 'prom-client';
import { HEADERS } from '../../protocol/kafka.js';
import {
  classify,
  HOP_BUCKETS_S,
  HOP_LABELS,
  HOPS,
  HopWindow,
  hopMs,
  type Hop,
  type HopMode,
  type HopSample,
} from '../../core/latency-hops.js';

/** Who saw the hop: the bridge (uplink, downlink), or the service that consumed or decided. */
export type HopService = 'bridge' | 'geofencing' | 'traffic' | 'commands' | 'dashboard' | 'warnings';

/**
 * The services on the V2X path, whose hops the panel's window shows: the traffic service and the
 * dashboard's feed read telemetry in bulk by design (100 ms fetches), so they stay out of it.
 */
const WINDOW_SERVICES: ReadonlySet<HopService> = new Set(['bridge', 'geofencing', 'commands', 'warnings']);

export class HopMetrics {
  readonly histogram: Histogram<'hop' | 'service' | 'mode'>;
  /** Live samples since the last take, every service together (the panel's waterfall). */
  readonly window: HopWindow;

  constructor(registry: Registry, storedAfterMs?: number) {
    this.window = new HopWindow(storedAfterMs);
    this.histogram = new Histogram({
      name: 'v2x_hop_seconds',
      help: `from the car's timestamp to each hop (${HOPS.map((h) => `${h}: ${HOP_LABELS[h]}`).join('; ')}), by service; mode=stored for messages older than the stored threshold (backlog)`,
      labelNames: ['hop', 'service', 'mode'],
      buckets: [...HOP_BUCKETS_S],
      registers: [registry],
    });
  }

  observe(hop: Hop, service: HopService, sample: HopSample): HopMode {
    const mode = WINDOW_SERVICES.has(service) ? this.window.observe(hop, sample) : classify(sample, this.window.storedAfterMs);
    this.histogram.observe({ hop, service, mode }, hopMs(sample) / 1000);
    return mode;
  }

  /** The loop's last hop: the car received (its clock, `receivedAt`) what a message of `causeTs` caused; either absent: nothing. */
  received(service: HopService, causeTs: number | undefined, receivedAt: number | undefined): void {
    if (causeTs !== undefined && receivedAt !== undefined) this.observe('car', service, { carTs: causeTs, at: receivedAt });
  }

  /**
   * A service read a car message (a record the bridge wrote, with its car timestamp): the broker's
   * receipt (the bridge's header), Kafka (the record's timestamp) and this read, all three as this
   * service saw them. Returns the read's mode (the caller measures its later hops only for live ones).
   */
  consumed(service: HopService, record: RecordStamps, carTs: number, at: number): HopMode {
    const received = Number(record.headers[HEADERS.receivedAt]);
    if (Number.isFinite(received) && received > 0) this.observe('broker', service, { carTs, at: received });
    if (record.timestamp > 0) this.observe('kafka', service, { carTs, at: record.timestamp });
    return this.observe('consumed', service, { carTs, at });
  }
}

/** What consumed() reads of a Kafka record (backend/kafka/types.ts InRecord). */
export interface RecordStamps {
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

/**
 * The commands benchmark's figures from its per-command probes: latency series from the 202 on,
 * the hops between the parts (from Kafka record timestamps, the broker's receive-time header and
 * the car's own timestamps), and the timeline of every command as JSON lines. Pure.
 */
import type { InRecord } from '../../backend/kafka/index.js';
import { HEADERS, tryDecode } from '../../protocol/index.js';

/** Per command, epoch ms (Date.now, Kafka and car clocks) and monotonic ms (performance.now). */
export interface Probe {
  readonly vin: string;
  id: string;
  postMs: number;
  acceptedAt: number;
  acceptedEpoch: number;
  apiSeen: Partial<Record<string, number>>;
  eventSeen: Partial<Record<string, number>>;
  socketSeen: Partial<Record<string, number>>;
  transitionAt: Partial<Record<string, number>>;
  requestTs?: number;
  carDelivered?: number;
  carDone?: number;
  resultBrokerAt?: number;
  resultKafkaTs?: number;
  final?: string;
}

export function pct(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export const r1 = (x: number): number => Math.round(x * 10) / 10;

export const stats = (xs: readonly number[]) => ({
  n: xs.length,
  p50: r1(pct(xs, 50)),
  p90: r1(pct(xs, 90)),
  p99: r1(pct(xs, 99)),
  max: r1(pct(xs, 100)),
});

export function commandFigures(all: Iterable<Probe>) {
  const done = [...all].filter((p) => p.final === 'SUCCEEDED');
  const since = (p: Probe, seen: Partial<Record<string, number>>, s: string): number | undefined =>
    seen[s] === undefined ? undefined : (seen[s] as number) - p.acceptedAt;
  const col = (f: (p: Probe) => number | undefined): number[] =>
    done.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
  const carExec = col((p) => (p.carDone ?? Number.NaN) - (p.carDelivered ?? Number.NaN));
  const series = {
    api: col((p) => since(p, p.apiSeen, 'SUCCEEDED')),
    event: col((p) => since(p, p.eventSeen, 'SUCCEEDED')),
    socket: col((p) => since(p, p.socketSeen, 'SUCCEEDED')),
    delivered: col((p) => since(p, p.eventSeen, 'DELIVERED')),
    carExec,
    platform: col((p) => {
      const a = since(p, p.apiSeen, 'SUCCEEDED');
      return a === undefined ? undefined : a - ((p.carDone ?? Number.NaN) - (p.carDelivered ?? Number.NaN));
    }),
  };
  const hops = {
    post_to_202: stats(done.map((p) => p.postMs)),
    request_produced_to_car: stats(col((p) => (p.carDelivered ?? Number.NaN) - (p.requestTs ?? Number.NaN))),
    car_executing: stats(carExec),
    car_result_to_broker: stats(col((p) => (p.resultBrokerAt ?? Number.NaN) - (p.carDone ?? Number.NaN))),
    broker_to_service_applied: stats(col((p) => (p.transitionAt.SUCCEEDED ?? Number.NaN) - (p.resultBrokerAt ?? Number.NaN))),
    broker_to_result_in_kafka: stats(col((p) => (p.resultKafkaTs ?? Number.NaN) - (p.resultBrokerAt ?? Number.NaN))),
    service_applied_to_api_seen: stats(
      col((p) => (since(p, p.apiSeen, 'SUCCEEDED') ?? Number.NaN) - (since(p, p.eventSeen, 'SUCCEEDED') ?? Number.NaN)),
    ),
  };
  return { done, series, hops };
}

/** Every command's timeline, one JSON object per line (epoch ms; api_seen_ms from the 202). */
export function timelineJsonl(all: Iterable<Probe>): string {
  const lines = [...all].map((p) =>
    JSON.stringify({
      id: p.id,
      vin: p.vin,
      accepted: p.acceptedEpoch,
      post_ms: r1(p.postMs),
      request_ts: p.requestTs,
      car_delivered: p.carDelivered,
      car_done: p.carDone,
      result_broker_at: p.resultBrokerAt,
      result_kafka_ts: p.resultKafkaTs,
      transitions: p.transitionAt,
      api_seen_ms: Object.fromEntries(Object.entries(p.apiSeen).map(([k, v]) => [k, r1((v as number) - p.acceptedAt)])),
      final: p.final,
    }),
  );
  return lines.join('\n') + '\n';
}

/**
 * Notes what the command records on Kafka say about each probe: when its request was produced
 * (before the probe exists: kept in `pending` by commandId), when the car answered, when the
 * broker received the result and when Kafka stored it.
 */
export function observeRecords(
  records: readonly InRecord[],
  requestsTopic: string,
  probes: ReadonlyMap<string, Probe>,
  pending: Map<string, number>,
): void {
  for (const rec of records) {
    if (rec.topic === requestsTopic) {
      const d = tryDecode('commandRequest', rec.value ?? Buffer.alloc(0));
      const p = d.ok ? probes.get(d.value.commandId) : undefined;
      if (p !== undefined) p.requestTs ??= rec.timestamp;
      else if (d.ok) pending.set(d.value.commandId, rec.timestamp);
      continue;
    }
    const d = tryDecode('commandResult', rec.value ?? Buffer.alloc(0));
    if (!d.ok) continue;
    const res = d.value;
    const p = probes.get(res.commandId);
    if (p === undefined) continue;
    if (res.status === 'delivered') p.carDelivered = res.ts;
    else {
      p.carDone = res.ts;
      p.resultBrokerAt = Number(rec.headers[HEADERS.receivedAt]);
      p.resultKafkaTs = rec.timestamp;
    }
  }
}

export interface ReportInput {
  readonly result: {
    readonly cars: number;
    readonly cars_connected: number;
    readonly telemetry_msg_per_s: number;
    readonly succeeded: number;
    readonly commands: number;
    readonly type: string;
    readonly failures: Readonly<Record<string, number>>;
    readonly car_delay_scale: number;
    readonly poll_ms: number;
  };
  readonly series: ReturnType<typeof commandFigures>['series'];
  readonly hops: ReturnType<typeof commandFigures>['hops'];
  readonly profile: Readonly<Record<string, unknown>>;
  /** Whether the socket.io figures exist. */
  readonly socket: boolean;
}

/** The human-readable report printed before the JSON line. */
export function reportLines({ result: r, series, hops, profile, socket }: ReportInput): string[] {
  const A = stats(series.api);
  const P = stats(series.platform);
  const at = r.car_delay_scale === 0 ? ' (cars answer at once: the round trip is the platform)' : '';
  return [
    `commands: ${r.cars} cars (${r.cars_connected} connected) streaming ${r.telemetry_msg_per_s} telemetry msg/s into Kafka`,
    `  ${r.succeeded}/${r.commands} ${r.type} SUCCEEDED; failures ${JSON.stringify(r.failures)}; car execution time x${r.car_delay_scale}${at}`,
    `  202 -> SUCCEEDED through the API (${r.poll_ms === 0 ? 'long poll' : `poll ${r.poll_ms} ms`}): p50 ${A.p50} p90 ${A.p90} p99 ${A.p99} max ${A.max} ms`,
    `  202 -> SUCCEEDED as the service's event:        ${JSON.stringify(stats(series.event))}`,
    ...(socket ? [`  202 -> SUCCEEDED on socket.io:                 ${JSON.stringify(stats(series.socket))}`] : []),
    `  202 -> DELIVERED as the service's event:        ${JSON.stringify(stats(series.delivered))}`,
    `  the car executing (its own delay):              ${JSON.stringify(stats(series.carExec))}`,
    `  platform = API round trip - car executing:      p50 ${P.p50} p99 ${P.p99} ms (target p99 <= 100)`,
    ...Object.entries(hops).map(([k, v]) => `  hop ${k}: ${JSON.stringify(v)}`),
    `  profile: ${JSON.stringify(profile)}`,
  ];
}

/**
 * The run's figures from the merged stats: a plain summary object (what --summary-json writes), its
 * text form, and the live status line. Pure: the caller measures time, CPU and memory.
 */
import { Histogram } from '../../core/histogram.js';
import type { UnitStats } from './messages.js';
import { SENT_KINDS } from './counters.js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export interface SimSummary {
  readonly cars: number;
  readonly connected: number;
  /** Cars that connected at least once (the others never reached the broker). */
  readonly connectedOnce: number;
  readonly wallSeconds: number;
  readonly simulatedSeconds: number;
  readonly messages: {
    /** Handed to the sessions by kind (sent at once or queued). */
    readonly published: Readonly<Record<string, number>>;
    /** Written to sockets, by QoS. */
    readonly sentByQos: readonly [number, number, number];
    /** PUBACK (QoS 1) and PUBCOMP (QoS 2) received, by QoS. */
    readonly ackedByQos: readonly [number, number, number];
    readonly totalSent: number;
    readonly totalAcked: number;
    readonly dropped: number;
    readonly rejected: number;
    /** Sent again with DUP after a reconnect to a kept session. */
    readonly retransmitted: number;
    /** Sent again as new publishes after a reconnect without a session. */
    readonly republished: number;
    /** In flight and never acknowledged when the run ended (QoS 1/2). */
    readonly unacknowledged: number;
    /** Still queued, never sent, when the run ended. */
    readonly unsent: number;
    readonly received: number;
    readonly telemetrySkipped: number;
    readonly perSecond: number;
  };
  readonly commands: { readonly received: number; readonly results: Readonly<Record<string, number>> };
  /** Hazard warnings received over MQTT; invalid: undecodable or for another car (dropped). */
  readonly warnings: { readonly received: number; readonly invalid: number };
  readonly connectMs: LatencySummary;
  readonly pubackMs: LatencySummary;
  readonly connections: {
    readonly attempts: number;
    readonly connects: number;
    readonly reconnects: number;
    readonly disconnects: number;
    readonly sleeps: number;
    readonly wakes: number;
    readonly coverageHoles: number;
  };
  readonly errors: Readonly<Record<string, number>>;
  readonly errorCount: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly usPerMessage: number;
  readonly kbPerCar: number;
}

const ms = (us: number): number => Math.round(us) / 1000;

export function latency(h: Histogram): LatencySummary {
  return {
    count: h.count,
    p50Ms: ms(h.percentile(50)),
    p90Ms: ms(h.percentile(90)),
    p99Ms: ms(h.percentile(99)),
    p999Ms: ms(h.percentile(99.9)),
    maxMs: ms(h.count === 0 ? 0 : h.max),
  };
}

export interface SummaryInput {
  readonly cars: number;
  readonly stats: UnitStats;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssKb: number;
  /** RSS before the cars were built, KB (to report memory per car). */
  readonly baseRssKb: number;
  /** Cars connected just before the stop (the final stats are taken after the sessions closed). */
  readonly connected?: number;
}

export function buildSummary(i: SummaryInput): SimSummary {
  const m = i.stats.mqtt;
  const s = i.stats.sim;
  const totalSent = m.sent[0] + m.sent[1] + m.sent[2];
  const totalAcked = m.acked[1] + m.acked[2];
  const errorCount = Object.values(m.errors).reduce((a, b) => a + b, 0);
  const published: Record<string, number> = {};
  for (const k of SENT_KINDS) published[k] = s.published[k];
  return {
    cars: i.cars,
    connected: i.connected ?? m.states.connected,
    connectedOnce: s.connectedOnce,
    wallSeconds: round(i.wallSeconds, 2),
    simulatedSeconds: round(s.simTimeS, 1),
    messages: {
      published,
      sentByQos: [...m.sent],
      ackedByQos: [...m.acked],
      totalSent,
      totalAcked,
      dropped: m.dropped,
      rejected: m.rejected,
      retransmitted: m.retransmitted,
      republished: m.republished,
      unacknowledged: m.unacknowledged,
      unsent: m.unsent,
      received: m.received,
      telemetrySkipped: s.skipped,
      perSecond: i.wallSeconds > 0 ? Math.round(totalSent / i.wallSeconds) : 0,
    },
    commands: { received: s.commandsReceived, results: { ...s.commandResults } },
    warnings: { received: s.warningsReceived, invalid: s.warningsInvalid },
    connectMs: latency(Histogram.deserialize(m.connectLatencyUs)),
    pubackMs: latency(Histogram.deserialize(m.pubackLatencyUs)),
    connections: {
      attempts: m.connectAttempts,
      connects: m.connects,
      reconnects: Math.max(0, m.connects - (i.cars - m.states.idle)),
      disconnects: m.disconnects,
      sleeps: s.sleeps,
      wakes: s.wakes,
      coverageHoles: s.coverageHoles,
    },
    errors: { ...m.errors },
    errorCount,
    cpuSeconds: round(i.cpuSeconds, 2),
    peakRssMb: round(i.peakRssKb / 1024, 1),
    usPerMessage: totalSent > 0 ? round((i.cpuSeconds * 1e6) / totalSent, 1) : 0,
    kbPerCar: i.cars > 0 ? round(Math.max(0, i.peakRssKb - i.baseRssKb) / i.cars, 2) : 0,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The live status line: connected, msg/s, errors, reconnects, PUBACK p99. */
export function statusLine(cars: number, now: UnitStats, before: UnitStats | undefined, seconds: number): string {
  const m = now.mqtt;
  const sent = m.sent[0] + m.sent[1] + m.sent[2];
  const prev = before === undefined ? 0 : before.mqtt.sent[0] + before.mqtt.sent[1] + before.mqtt.sent[2];
  const rate = seconds > 0 ? Math.round((sent - prev) / seconds) : 0;
  const errors = Object.values(m.errors).reduce((a, b) => a + b, 0);
  const p99 = Histogram.deserialize(m.pubackLatencyUs).percentile(99) / 1000;
  const asleep =
    (now.sim.asleepNow > 0 ? ` asleep ${now.sim.asleepNow}` : '') +
    (now.sim.inHoleNow > 0 ? ` in coverage holes ${now.sim.inHoleNow}` : '');
  return (
    `connected ${m.states.connected}/${cars}${asleep} | ${rate} msg/s | sent ${sent} acked ${m.acked[1] + m.acked[2]}` +
    ` | errors ${errors} | reconnects ${Math.max(0, m.connects - (cars - m.states.idle))} | PUBACK p99 ${p99.toFixed(1)} ms` +
    ` | sim ${now.sim.simTimeS.toFixed(0)} s`
  );
}

/** A progress bar for the connection ramp. */
export function rampBar(connected: number, cars: number, width = 30): string {
  const f = cars > 0 ? Math.min(1, connected / cars) : 1;
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${connected}/${cars} connected`;
}

export function formatSummary(s: SimSummary): string {
  const lat = (l: LatencySummary): string =>
    `p50 ${l.p50Ms} ms, p90 ${l.p90Ms}, p99 ${l.p99Ms}, p99.9 ${l.p999Ms}, max ${l.maxMs} (n=${l.count})`;
  const kinds = Object.entries(s.messages.published)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const errors = Object.entries(s.errors)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const results = Object.entries(s.commands.results)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `cars ${s.cars} (connected at the end: ${s.connected}, ever: ${s.connectedOnce}); ran ${s.wallSeconds} s, simulated ${s.simulatedSeconds} s`,
    `published: ${kinds}; telemetry skipped (asleep/not started) ${s.messages.telemetrySkipped}`,
    `sent ${s.messages.totalSent} (QoS0/1/2 ${s.messages.sentByQos.join('/')}), acknowledged ${s.messages.totalAcked} (QoS1/2 ${s.messages.ackedByQos[1]}/${s.messages.ackedByQos[2]}), dropped ${s.messages.dropped}, rejected ${s.messages.rejected}, ${s.messages.perSecond} msg/s`,
    `resent: ${s.messages.retransmitted} as duplicates, ${s.messages.republished} as new publishes (no session kept); at the end ${s.messages.unacknowledged} unacknowledged, ${s.messages.unsent} never sent`,
    `commands received ${s.commands.received}${results === '' ? '' : `: ${results}`}; warnings received ${s.warnings.received} (${s.warnings.invalid} invalid)`,
    `connect time: ${lat(s.connectMs)}`,
    `PUBACK latency: ${lat(s.pubackMs)}`,
    `connections: ${s.connections.connects} connects of ${s.connections.attempts} attempts, ${s.connections.reconnects} reconnects, ${s.connections.disconnects} disconnects, ${s.connections.sleeps} sleeps, ${s.connections.wakes} wakes, ${s.connections.coverageHoles} coverage holes`,
    `errors: ${s.errorCount === 0 ? 'none' : errors}`,
    `simulator CPU ${s.cpuSeconds} s (${s.usPerMessage} us per message sent), peak RSS ${s.peakRssMb} MB (${s.kbPerCar} KB per car over the baseline)`,
  ].join('\n');
}

/**
 * The failover benchmark's books on the services' outputs (bench/failover.ts): every geofence event,
 * jam event and command snapshot of one run, read from Kafka (and every fix, for the replay of
 * failover-replay.ts), and the comparisons of a run with
 * SIGKILLs against an uninterrupted run of the same seed (pure functions below the reader).
 *
 * Two runs of the same seed drive the same cars through the same city, but on their own wall clocks
 * (a fix's time is the car's clock): times are compared relative to each run's start, and events are
 * matched by what they are about, not by their ids (which carry the fix time):
 * - geofence events by (VIN, fence, type), counted: missing = occurrences in the uninterrupted run
 *   beyond those in the other; doubled = within the run, after dropping repeated event ids, a car's
 *   event on a fence of the same type as its previous one there (enter, enter: an event repeated
 *   under another id);
 * - jams by their head segment and start time, within one window of each other.
 */
import { randomUUID } from 'node:crypto';
import { createKafkaClient, type InRecord } from '../../backend/kafka/index.js';
import { kafkaTopicName, tryDecodeTelemetry } from '../../protocol/index.js';
import { GeofenceReplay } from './failover-replay.js';
import { decodeSnapshot } from '../../backend/services/commands/records.js';
import { isTerminal, LIFECYCLE_STATES, type CommandSnapshot } from '../../backend/services/commands/types.js';
import { geofenceEventIdOf } from '../../backend/services/geofencing/event-id.js';

export interface GeofenceEventRow {
  readonly id: string;
  readonly vin: string;
  readonly fenceId: string;
  readonly type: string;
  readonly ts: number;
}

export interface JamRow {
  /** `<jam id>/<type>/<atMs>` */
  readonly id: string;
  readonly head: string;
  readonly type: string;
  readonly atMs: number;
  readonly startMs: number;
}

export interface OutputBooks {
  readonly geofenceEvents: GeofenceEventRow[];
  /** Geofence event records with an id seen before (at-least-once repeats, dropped by id). */
  repeatedEventIds(): number;
  readonly jams: JamRow[];
  /** Latest snapshot per command id. */
  readonly commands: Map<string, CommandSnapshot>;
  /** Every fix in Kafka, for the replay through the geofence evaluator (failover-replay.ts). */
  readonly replay: GeofenceReplay;
  /** Every geofence event id written. */
  geofenceEventIds(): ReadonlySet<string>;
  /** True once every geofence event in the topic now has been read (its partitions' ends reached). */
  geofenceEventsReadToEnd(): Promise<boolean>;
  close(): Promise<void>;
}

/** `jam-<head>-<startMs>`: the head segment and the start. */
export function parseJamId(jamId: string): { head: string; startMs: number } | undefined {
  const m = /^jam-(.+)-(\d+)$/.exec(jamId);
  return m === null ? undefined : { head: m[1] as string, startMs: Number(m[2]) };
}

export async function startOutputBooks(brokers: readonly string[], prefix: string): Promise<OutputBooks> {
  const t = {
    geofence: kafkaTopicName('geofenceEvents', prefix),
    jams: kafkaTopicName('jams', prefix),
    status: kafkaTopicName('commandStatus', prefix),
    telemetry: kafkaTopicName('telemetry', prefix),
  };
  const replay = new GeofenceReplay();
  const seen = new Set<string>();
  let repeated = 0;
  const geofenceEvents: GeofenceEventRow[] = [];
  const jams: JamRow[] = [];
  const jamIds = new Set<string>();
  const commands = new Map<string, CommandSnapshot>();
  /** geofence-events partition -> the offset after the last record read. */
  const geofenceRead = new Map<number, number>();
  const onRecord = (r: InRecord): void => {
    if (r.topic === t.geofence) geofenceRead.set(r.partition, Math.max(geofenceRead.get(r.partition) ?? 0, Number(r.offset) + 1));
    if (r.topic === t.telemetry) {
      const d = r.value === null ? undefined : tryDecodeTelemetry(r.value);
      if (d?.ok === true) replay.add(d.value);
    } else if (r.topic === t.geofence) {
      const id = geofenceEventIdOf(r);
      if (id === undefined || r.value === null) return;
      if (seen.has(id)) {
        repeated++;
        return;
      }
      seen.add(id);
      const e = JSON.parse(r.value.toString('utf8')) as { vin: string; fenceId: string; type: string; ts: number };
      geofenceEvents.push({ id, vin: e.vin, fenceId: e.fenceId, type: e.type, ts: e.ts });
    } else if (r.topic === t.jams) {
      const id = r.headers['v2x-event-id'];
      if (id === undefined || jamIds.has(id)) return;
      jamIds.add(id);
      const [jamId, type, at] = id.split('/');
      const parsed = parseJamId(jamId ?? '');
      if (parsed !== undefined && type !== undefined) jams.push({ id, head: parsed.head, type, atMs: Number(at), startMs: parsed.startMs });
    } else if (r.topic === t.status) {
      const s = decodeSnapshot(r.value);
      if (s === undefined) return;
      const before = commands.get(s.commandId);
      if (before === undefined || LIFECYCLE_STATES.indexOf(s.status) >= LIFECYCLE_STATES.indexOf(before.status))
        commands.set(s.commandId, s);
    }
  };
  const client = createKafkaClient({ brokers, clientId: 'failover-books' });
  const consumer = await client.consumer({
    groupId: `failover-books-${randomUUID()}`,
    topics: Object.values(t),
    fromBeginning: true,
    fetch: { minBytes: 1, maxWaitMs: 200 },
  });
  await consumer.start(async (batch) => {
    for (const r of batch) onRecord(r);
  });
  const admin = await client.admin();
  return {
    geofenceEvents,
    repeatedEventIds: () => repeated,
    jams,
    commands,
    replay,
    geofenceEventIds: () => seen,
    async geofenceEventsReadToEnd() {
      const ends = await admin.topicOffsets(t.geofence);
      return ends.every((p) => p.high <= p.low || (geofenceRead.get(p.partition) ?? 0) >= p.high);
    },
    async close() {
      await consumer.close();
      await admin.close();
    },
  };
}

/** Occurrences of each (VIN, fence, type) with a fix time in [fromMs, toMs). */
function countByKey(rows: readonly GeofenceEventRow[], fromMs: number, toMs: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    if (r.ts < fromMs || r.ts >= toMs) continue;
    const k = `${r.vin}|${r.fenceId}|${r.type}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

export interface RunSpan {
  /** Wall-clock ms the run's cars started. */
  readonly startMs: number;
  /** How long the compared part of the run lasts, ms (both runs: the same). */
  readonly lengthMs: number;
}

export interface GeofenceComparison {
  /** In the reference run, not in the other. */
  readonly missing: number;
  /** In the other run, not in the reference. */
  readonly extra: number;
  /** In the other run: a car's event of the same type as its previous one on that fence. */
  readonly doubled: number;
  readonly reference: number;
  readonly other: number;
}

/** A car's consecutive events of one type on one fence (enter, enter), per (VIN, fence) in time order. */
export function doubledEvents(rows: readonly GeofenceEventRow[]): number {
  const byCarFence = new Map<string, GeofenceEventRow[]>();
  for (const r of rows) {
    if (r.type === 'dwell') continue;
    const k = `${r.vin}|${r.fenceId}`;
    let l = byCarFence.get(k);
    if (l === undefined) byCarFence.set(k, (l = []));
    l.push(r);
  }
  let doubled = 0;
  for (const l of byCarFence.values()) {
    l.sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < l.length; i++) if (l[i]!.type === l[i - 1]!.type) doubled++;
  }
  return doubled;
}

export function compareGeofenceEvents(
  reference: readonly GeofenceEventRow[],
  refSpan: RunSpan,
  other: readonly GeofenceEventRow[],
  otherSpan: RunSpan,
): GeofenceComparison {
  const a = countByKey(reference, refSpan.startMs, refSpan.startMs + refSpan.lengthMs);
  const b = countByKey(other, otherSpan.startMs, otherSpan.startMs + otherSpan.lengthMs);
  let missing = 0;
  let extra = 0;
  for (const [k, n] of a) missing += Math.max(0, n - (b.get(k) ?? 0));
  for (const [k, n] of b) extra += Math.max(0, n - (a.get(k) ?? 0));
  return {
    missing,
    extra,
    doubled: doubledEvents(other),
    reference: [...a.values()].reduce((x, y) => x + y, 0),
    other: [...b.values()].reduce((x, y) => x + y, 0),
  };
}

/**
 * Jams started in one run and not in the other: matched by head segment and start time relative to
 * each run's start, within `windowMs`; jams starting in the last window of either span are left out
 * (the other run may have been cut just before).
 */
export function jamsDiff(
  a: readonly JamRow[],
  aSpan: RunSpan,
  b: readonly JamRow[],
  bSpan: RunSpan,
  windowMs: number,
): { readonly diff: number; readonly a: number; readonly b: number; readonly unmatched: readonly string[] } {
  const started = (rows: readonly JamRow[], span: RunSpan): { head: string; rel: number; id: string }[] =>
    rows
      .filter((r) => r.type === 'jam_started')
      .map((r) => ({ head: r.head, rel: r.startMs - span.startMs, id: r.id }))
      .filter((r) => r.rel < span.lengthMs - windowMs);
  const sa = started(a, aSpan);
  const sb = started(b, bSpan);
  const used = new Set<number>();
  const unmatched: string[] = [];
  for (const x of sa) {
    const j = sb.findIndex((y, i) => !used.has(i) && y.head === x.head && Math.abs(y.rel - x.rel) <= windowMs);
    if (j >= 0) used.add(j);
    else unmatched.push(`uninterrupted ${x.id}`);
  }
  sb.forEach((y, i) => {
    if (!used.has(i)) unmatched.push(`with kills ${y.id}`);
  });
  return { diff: unmatched.length, a: sa.length, b: sb.length, unmatched };
}

/** Commands not in a terminal state. */
export function incompleteCommands(commands: ReadonlyMap<string, CommandSnapshot>): number {
  let n = 0;
  for (const c of commands.values()) if (!isTerminal(c.status)) n++;
  return n;
}

/** Commands by their latest status. */
export function commandsByStatus(commands: ReadonlyMap<string, CommandSnapshot>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of commands.values()) out[c.status] = (out[c.status] ?? 0) + 1;
  return out;
}

/**
 * Waits until the geofencing instances have evaluated every fix in Kafka (their telemetry consumer
 * group, `groupId` without the prefix, has no lag) and the books have read every event they wrote;
 * false when that did not happen within timeoutMs (the replay comparison is then made on what there
 * is). Only that group: the instances' changelog restores commit in groups of their own
 * (`<groupId>-restore-<uuid>`) whose lag grows with the changelog for ever.
 */
export async function geofencingSettled(
  lag: () => Promise<Record<string, number>>,
  books: Pick<OutputBooks, 'geofenceEventsReadToEnd'>,
  groupId: string,
  timeoutMs = 60_000,
): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
    try {
      const groups = Object.entries(await lag()).filter(([name]) => name === groupId);
      if (groups.length > 0 && groups.every(([, n]) => n === 0) && (await books.geofenceEventsReadToEnd())) return true;
    } catch {
      // Kafka still settling after a broker's restart: try again
    }
  }
  return false;
}

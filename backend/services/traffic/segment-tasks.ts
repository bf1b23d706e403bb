/**
 * One traffic task per partition of the repartition topic (the Kafka Streams task model): each task
 * is a TrafficService fed only the fixes of its partition, i.e. of its corridors (corridors.ts). The
 * state of a partition is therefore a function of that partition's records alone, so one instance
 * owning every partition and N instances owning a share compute the same jams.
 *
 * Restore is a bounded replay (decision 0033): on assignment the added partitions are read from the
 * start of the repartition topic's retention (`traffic.replayMs`) up to their high watermarks; on
 * the first live batch of a partition (which starts at the group's committed offset C) the restored
 * fixes below C are applied silently (their outputs were the previous owner's) and the batch runs
 * with outputs from C on (at-least-once: a step the previous owner wrote but did not commit is
 * written again, with the same deterministic jam ids). Redelivered offsets below what a task has
 * applied are skipped, so a fix never counts twice in a window.
 *
 * Jam ids: a task's tracker numbers its jams (jam-1, jam-2...) and every partition would reuse them,
 * so the public id is `jam-<head segment>-<start ms>`: unique across partitions, and the same for the
 * same jam after a restore and in a run on one instance. Pure apart from the reader it is given.
 */
import type { ChangelogReader } from '../../kafka/state-store.js';
import type { InRecord } from '../../kafka/types.js';
import { decodeMatchedFix } from './repartition.js';
import type { StepResult, TrafficService } from './service.js';
import type { Jam, JamWarning, MatchedFix } from './types.js';

interface Task {
  readonly service: TrafficService;
  /** Offsets below this are in the task's state: redelivered ones are skipped. */
  nextOffset: number;
  /** Restored fixes, applied silently below the first live batch's offset. */
  pending: { readonly offset: number; readonly fix: MatchedFix }[] | undefined;
  /** Tracker id -> public id, for the task's live jams. */
  readonly ids: Map<string, string>;
  lastRecordWall: number;
  idleFrom: number;
}

export interface TaskAssignment {
  readonly added: readonly number[];
  readonly revoked: readonly number[];
  /** Repartition records read to restore the added partitions. */
  readonly recordsRead: number;
  readonly ms: number;
}

export interface TaskBatch {
  readonly partition: number;
  /** The steps that became due, jam ids made public. */
  readonly results: readonly StepResult[];
  /** Restored fixes applied silently before this batch. */
  readonly replayed: number;
  /** Redelivered records already in the state. */
  readonly skipped: number;
  readonly invalid: number;
}

export interface SegmentTasksOptions {
  readonly newService: () => TrafficService;
  /** Reads repartition partitions from the start of their retention to their high watermarks. */
  readonly reader: ChangelogReader;
  /** Wall clock, ms (monotonic): idle advance. */
  readonly wall: () => number;
}

export function publicJamId(jam: Jam): string {
  return `jam-${jam.headSegment}-${jam.startedMs}`;
}

export class SegmentTasks {
  readonly #tasks = new Map<number, Task>();
  readonly #o: SegmentTasksOptions;
  /** Incremented by every assignment: a batch begun under an older generation must not write (role.ts). */
  generation = 0;

  constructor(options: SegmentTasksOptions) {
    this.#o = options;
  }

  partitions(): number[] {
    return [...this.#tasks.keys()].sort((a, b) => a - b);
  }

  owns(partition: number): boolean {
    return this.#tasks.has(partition);
  }

  /** The member's whole assignment after a rebalance: revoked tasks dropped, added ones restored. */
  async assign(partitions: readonly number[]): Promise<TaskAssignment> {
    const t0 = performance.now();
    this.generation++;
    const now = new Set(partitions);
    const revoked = [...this.#tasks.keys()].filter((p) => !now.has(p)).sort((a, b) => a - b);
    for (const p of revoked) this.#tasks.delete(p);
    const added = [...now].filter((p) => !this.#tasks.has(p)).sort((a, b) => a - b);
    const pending = new Map<number, { offset: number; fix: MatchedFix }[]>(added.map((p) => [p, []]));
    let recordsRead = 0;
    if (added.length > 0) {
      await this.#o.reader.read(added, (r) => {
        const list = pending.get(r.partition);
        if (list === undefined) return;
        recordsRead++;
        const fix = decodeMatchedFix(r.value);
        if (fix !== undefined) list.push({ offset: Number(r.offset), fix });
      });
    }
    for (const p of added) {
      this.#tasks.set(p, {
        service: this.#o.newService(),
        nextOffset: 0,
        pending: pending.get(p),
        ids: new Map(),
        lastRecordWall: this.#o.wall(),
        idleFrom: Number.NaN,
      });
    }
    return { added, revoked, recordsRead, ms: performance.now() - t0 };
  }

  /** One batch of one partition (records in offset order). */
  handle(records: readonly InRecord[]): TaskBatch | undefined {
    const first = records[0];
    if (first === undefined) return undefined;
    const partition = first.partition;
    let task = this.#tasks.get(partition);
    if (task === undefined) {
      // only when no assignment was reported (a client without onAssign): start the task empty
      task = { service: this.#o.newService(), nextOffset: 0, pending: undefined, ids: new Map(), lastRecordWall: 0, idleFrom: Number.NaN };
      this.#tasks.set(partition, task);
    }
    let replayed = 0;
    if (task.pending !== undefined) {
      const from = Number(first.offset);
      for (const p of task.pending) {
        if (p.offset >= from) break;
        for (const r of task.service.ingestMatched(p.fix)) publish(task, r);
        replayed++;
      }
      task.pending = undefined;
      task.nextOffset = Math.max(task.nextOffset, from);
    }
    const results: StepResult[] = [];
    let skipped = 0;
    let invalid = 0;
    for (const r of records) {
      const offset = Number(r.offset);
      if (offset < task.nextOffset) {
        skipped++;
        continue;
      }
      task.nextOffset = offset + 1;
      const fix = decodeMatchedFix(r.value);
      if (fix === undefined) {
        invalid++;
        continue;
      }
      for (const s of task.service.ingestMatched(fix)) results.push(publish(task, s));
    }
    task.lastRecordWall = this.#o.wall();
    task.idleFrom = Number.NaN;
    return { partition, results, replayed, skipped, invalid };
  }

  /**
   * Advances the record clock of every task quiet for `idleAfterMs` of wall time by the wall time
   * passed since (so jams still clear when their cars stop sending).
   */
  idle(idleAfterMs: number): { partition: number; results: StepResult[] }[] {
    const out: { partition: number; results: StepResult[] }[] = [];
    const now = this.#o.wall();
    for (const [partition, task] of this.#tasks) {
      const quiet = now - task.lastRecordWall;
      if (quiet < idleAfterMs || !Number.isFinite(task.service.watermarkMs)) {
        task.idleFrom = Number.NaN;
        continue;
      }
      if (Number.isNaN(task.idleFrom)) task.idleFrom = task.service.watermarkMs;
      const results = task.service.advanceTo(task.idleFrom + quiet).map((r) => publish(task, r));
      if (results.length > 0) out.push({ partition, results });
    }
    return out;
  }

  /** Live jams of every task, public ids. */
  jams(): Jam[] {
    const out: Jam[] = [];
    for (const t of this.#tasks.values()) for (const j of t.service.jams) out.push({ ...j, id: t.ids.get(j.id) ?? j.id });
    return out;
  }

  predicted(): JamWarning[] {
    const out: JamWarning[] = [];
    for (const t of this.#tasks.values()) for (const p of t.service.predicted) out.push(renamePrediction(t, p));
    return out;
  }

  segmentsFrame(): { atMs: number; segments: [string, number][] } {
    let atMs = 0;
    const segments: [string, number][] = [];
    for (const t of this.#tasks.values()) {
      const f = t.service.segmentsFrame();
      atMs = Math.max(atMs, f.atMs);
      segments.push(...f.segments);
    }
    return { atMs, segments };
  }

  /**
   * Over the tasks: fixes applied, live jams, and the watermark of the slowest task that has seen a
   * fix (each partition has its own clock: the instance has caught up with a time once all have).
   */
  stats(): { fixes: number; watermarkMs: number; jams: number } {
    let fixes = 0;
    let watermarkMs = Infinity;
    let jams = 0;
    for (const t of this.#tasks.values()) {
      fixes += t.service.fixes;
      if (Number.isFinite(t.service.watermarkMs)) watermarkMs = Math.min(watermarkMs, t.service.watermarkMs);
      jams += t.service.jams.length;
    }
    return { fixes, watermarkMs: Number.isFinite(watermarkMs) ? watermarkMs : -Infinity, jams };
  }
}

/** The step with its jams under their public ids (new jams get theirs here). */
function publish(task: Task, r: StepResult): StepResult {
  const cleared: string[] = [];
  const events = r.events.map((e) => {
    let id = task.ids.get(e.jam.id);
    if (id === undefined) {
      id = publicJamId(e.jam);
      task.ids.set(e.jam.id, id);
    }
    if (e.type === 'jam_cleared') cleared.push(e.jam.id);
    return { ...e, jam: { ...e.jam, id } };
  });
  const predicted = r.predicted.map((p) => renamePrediction(task, p));
  for (const id of cleared) task.ids.delete(id);
  return { ...r, events, predicted };
}

function renamePrediction(task: Task, p: JamWarning): JamWarning {
  return p.jamId === undefined ? p : { ...p, jamId: task.ids.get(p.jamId) ?? p.jamId };
}

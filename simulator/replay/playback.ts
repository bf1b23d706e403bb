/**
 * Playing a timeline against a clock: wall time since the start, times the speed factor, is
 * recorded time since the trace's first fix (or `fromMs`). Timestamps on the messages are either
 * the recorded ones or rebased so that the trace starts at the playback's start; rebased stamps run
 * at the scaled pace (simulated time, as with `--speedup`). Pure: the runtime passes clock.now().
 */
import { V2xError } from '../../core/errors.js';
import type { AdvanceMode, DueFix, ReplayKinematics, SampleState, TraceTimeline } from './timeline.js';

export type ReplayTimestamps = 'recorded' | 'rebased';

export interface PlaybackOptions {
  /** Wall-clock epoch ms at which playback starts (clock.now()). */
  readonly startWallMs: number;
  /** Speed factor: 1 plays at the recorded pace, 10 ten times faster, 0.5 at half speed. Default 1. */
  readonly speed?: number;
  /** Default 'rebased': the first played instant is stamped startWallMs. */
  readonly timestamps?: ReplayTimestamps;
  /** Recorded time to start from; default the trace's first fix. */
  readonly fromMs?: number;
}

export interface PlayedFix extends DueFix {
  /** The timestamp the car puts on the message. */
  readonly stampMs: number;
}

export class ReplayPlayback {
  readonly timeline: TraceTimeline;
  readonly speed: number;
  readonly timestamps: ReplayTimestamps;
  readonly startWallMs: number;
  readonly fromMs: number;

  constructor(timeline: TraceTimeline, options: PlaybackOptions) {
    const speed = options.speed ?? 1;
    if (!(Number.isFinite(speed) && speed > 0))
      throw new V2xError('CONFIG_INVALID', `replay speed must be a number above 0 (got ${speed})`);
    if (!Number.isFinite(options.startWallMs))
      throw new V2xError('CONFIG_INVALID', `replay start time must be a finite number (got ${options.startWallMs})`);
    this.timeline = timeline;
    this.speed = speed;
    this.timestamps = options.timestamps ?? 'rebased';
    this.startWallMs = options.startWallMs;
    this.fromMs = options.fromMs ?? timeline.startMs;
    timeline.rewind(this.fromMs);
  }

  /** The recorded instant played at wall time `wallMs`. */
  recordedAt(wallMs: number): number {
    return this.fromMs + (wallMs - this.startWallMs) * this.speed;
  }

  /** The wall time at which a recorded instant plays (to schedule the next timer exactly). */
  wallAt(recordedMs: number): number {
    return this.startWallMs + (recordedMs - this.fromMs) / this.speed;
  }

  /** The message timestamp for a recorded instant. */
  stamp(recordedMs: number): number {
    return this.timestamps === 'recorded' ? recordedMs : this.startWallMs + (recordedMs - this.fromMs);
  }

  /** Wall-clock length of the playback, ms. */
  get durationMs(): number {
    return Math.max(0, (this.timeline.endMs - this.fromMs) / this.speed);
  }

  /** True once every fix has been played. */
  get finished(): boolean {
    return this.timeline.finished;
  }

  /** The fixes due by wall time `wallMs`, in time order, with their stamps. */
  *advance(wallMs: number, mode: AdvanceMode = 'every'): Generator<PlayedFix> {
    for (const due of this.timeline.advance(this.recordedAt(wallMs), mode)) {
      yield { ...due, stampMs: this.stamp(due.timeMs) };
    }
  }

  /** Where a vehicle is at wall time `wallMs`, interpolated (see TraceTimeline.sample). */
  sample(vehicle: number, wallMs: number, out: ReplayKinematics): SampleState {
    return this.timeline.sample(vehicle, this.recordedAt(wallMs), out);
  }
}

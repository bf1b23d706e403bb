/**
 * Replayed records must not fall to Kafka's retention on arrival (issue 20). A record whose
 * timestamp is older than a topic's `retention.ms` is deleted with its log segment as soon as the
 * segment rolls, without any error on the producing side. A replay with recorded timestamps older
 * than the shortest retention of the topics the records pass through (telemetry, traffic, jams,
 * warnings: 1 day), less a margin for the replay itself, is therefore rebased to the playback's
 * start, with a warning that says so. Pure: the caller passes the clock's now.
 */
export interface RetentionDecision {
  readonly timestamps: 'rebased' | 'recorded';
  readonly warning: string | undefined;
}

export function replayTimestampsWithin(options: {
  readonly requested: 'rebased' | 'recorded';
  /** Epoch ms of the trace's first and last fixes. */
  readonly firstMs: number;
  readonly lastMs: number;
  readonly nowMs: number;
  /** The shortest retention of the topics the records go through, ms. */
  readonly retentionMs: number;
  readonly topics: readonly string[];
  /** Playback speed (the replay lasts (last - first) / speed). */
  readonly speed: number;
  /** Slack kept before the retention bites, ms (default 1 h). */
  readonly marginMs?: number;
}): RetentionDecision {
  if (options.requested === 'rebased') return { timestamps: 'rebased', warning: undefined };
  const playMs = (options.lastMs - options.firstMs) / Math.max(options.speed, 1e-6);
  const ageAtEnd = options.nowMs + playMs - options.firstMs;
  if (ageAtEnd + (options.marginMs ?? 3_600_000) <= options.retentionMs) return { timestamps: 'recorded', warning: undefined };
  const hours = (ms: number): string => `${Math.round(ms / 360_000) / 10} h`;
  return {
    timestamps: 'rebased',
    warning:
      `the trace starts ${new Date(options.firstMs).toISOString()}, ${hours(options.nowMs - options.firstMs)} ago: with recorded timestamps its ` +
      `records would be older than the ${hours(options.retentionMs)} retention of Kafka topics ${options.topics.join(', ')} and deleted ` +
      'without notice; timestamps rebased to the start of the playback instead',
  };
}

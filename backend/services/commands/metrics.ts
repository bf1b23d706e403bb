/**
 * Prometheus metrics of the command service, on the registry the backend serves at /metrics:
 * commands created by type, transitions by target state, commands in flight (not yet terminal),
 * the time from creation (the POST) to a terminal state, TTL expiries and re-sends. Fed from the
 * outputs of each applied step (service.ts), so a metric counts exactly what was produced to Kafka.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CommandOutput } from './types.js';
import { isTerminal } from './types.js';

export interface CommandMetrics {
  readonly created: Counter<'type'>;
  readonly transitions: Counter<'to'>;
  readonly inFlight: Gauge;
  readonly completion: Histogram<'status'>;
  readonly expired: Counter<'from'>;
  readonly resends: Counter;
  readonly produceSeconds: Histogram;
  readonly produceBatch: Histogram;
  /** Counts what one applied step produced (status, audit and notify outputs). */
  observe(outputs: readonly CommandOutput[]): void;
  /** One produce batch of the service's records (its KafkaWriter): its size and how long Kafka took. */
  produced(records: number, ms: number): void;
  /** Takes the metrics off the registry (the service closed; a new one may register them again). */
  unregister(): void;
}

const NAMES = [
  'v2x_commands_created_total',
  'v2x_commands_transitions_total',
  'v2x_commands_in_flight',
  'v2x_commands_completion_seconds',
  'v2x_commands_expired_total',
  'v2x_commands_resends_total',
  'v2x_commands_produce_seconds',
  'v2x_commands_produce_batch_records',
] as const;

/**
 * `pending` answers how many commands are not terminal (read at scrape time, so a rebuilt state
 * counts too). Metric names are fixed: one CommandMetrics per registry.
 */
export function createCommandMetrics(registry: Registry, pending: () => number): CommandMetrics {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    new Counter({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> =>
    new Histogram({ name, help, buckets, labelNames, registers });
  const created = counter(NAMES[0], 'commands created through the API, by type', ['type']);
  const transitions = counter(NAMES[1], 'command lifecycle transitions, by the state entered', ['to']);
  const inFlight = new Gauge({
    name: NAMES[2],
    help: 'commands not yet in a terminal state (CREATED, SENT, DELIVERED)',
    registers,
    collect() {
      this.set(pending());
    },
  });
  const completion = histogram(
    NAMES[3],
    'from creation (POST accepted) to a terminal state, by that state',
    [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    ['status'],
  );
  const expired = counter(NAMES[4], 'commands TIMED_OUT at their time to live, by the state they were in', ['from']);
  const resends = counter(NAMES[5], 'command requests produced again (the car came back online, or a restart resumed a CREATED command)');
  const produceSeconds = histogram(
    NAMES[6],
    "produce latency of the service's record batches (acks=all)",
    [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  );
  const produceBatch = histogram(
    NAMES[7],
    'records per produce batch of the service (status, audit and request records of the steps in flight)',
    [1, 2, 3, 5, 10, 25, 50, 100, 250, 500],
  );
  return {
    created,
    transitions,
    inFlight,
    completion,
    expired,
    resends,
    produceSeconds,
    produceBatch,
    produced(records, ms) {
      produceBatch.observe(records);
      produceSeconds.observe(ms / 1000);
    },
    observe(outputs) {
      for (const o of outputs) {
        if (o.kind === 'audit') {
          if (o.entry.event === 'resend') resends.inc();
        } else if (o.kind === 'notify') {
          const t = o.transition;
          transitions.inc({ to: t.to });
          if (t.from === null) created.inc({ type: t.snapshot.type });
          if (t.to === 'TIMED_OUT' && t.from !== null) expired.inc({ from: t.from });
          if (isTerminal(t.to)) completion.observe({ status: t.to }, Math.max(0, t.at - t.snapshot.createdAt) / 1000);
        }
      }
    },
    unregister() {
      for (const name of NAMES) registry.removeSingleMetric(name);
    },
  };
}

/**
 * Ramp to break, side by side: the bundled ramp-to-break scenario (loadtest/scenarios/
 * ramp-to-break.yaml: 1 Hz telemetry at QoS 1, its thresholds) run by the load-test runner against
 * Mosquitto (the Debian binary, started here) and against the embedded aedes broker (started here
 * in its own process), one after the other on this machine. Each level ramps up by --step cars
 * and holds; the thresholds are evaluated on the hold (after --settle) and the run stops at the
 * first level that breaks. The figure per broker is the last level that held: the largest number
 * of cars it sustained within every threshold. The load generator (the simulator's cars, in worker
 * threads of this process) and the probe share the machine with the broker: on 2 cores the
 * figures are those of the whole setup, and the load average is recorded with them.
 *
 *   node .build/load/bench/loadtest-ramp.js [--start 1000] [--step 1000] [--max 15000] [--ramp 10] [--hold 20] [--settle 5]
 *     [--share 0.1] [--brokers mosquitto,embedded]
 *
 * Progress on stderr; the last stdout line is JSON, also written to bench/results/loadtest-ramp.json.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { startBroker } from '../loadtest/runner/brokers.js';
import { runLoadTest } from '../loadtest/runner/runner.js';
import { parseScenario } from '../loadtest/scenario/scenario.js';
import { numberFlags, stringFlag } from './lib/flags.js';
import { repoRoot, writeResult } from './lib/provenance.js';

const flags = numberFlags({ start: 1000, step: 1000, max: 15_000, ramp: 10, hold: 20, settle: 5, share: 0.1 });
const { start: START, step: STEP, max: MAX, ramp: RAMP_S, hold: HOLD_S, settle: SETTLE_S, share: SHARE } = flags;
const BROKERS = stringFlag('brokers', 'mosquitto,embedded').split(',');

const bundled = parseYaml(readFileSync(`${repoRoot()}/loadtest/scenarios/ramp-to-break.yaml`, 'utf8')) as Record<string, unknown>;
const load = (): number => Number((loadavg()[0] ?? 0).toFixed(2));

interface BrokerFigures {
  readonly max_cars: number | null;
  readonly broke_at: number | null;
  readonly failed: readonly string[];
  readonly levels: readonly { cars: number; pass: boolean; failed: readonly string[] }[];
  readonly puback_p99_ms: number;
  readonly e2e_p99_ms: number;
  readonly connect_p99_ms: number;
  readonly errors: number;
  readonly lost: number;
  readonly duration_s: number;
  readonly load_avg_1m_before: number;
  readonly load_avg_1m_after: number;
}

const results: Record<string, BrokerFigures> = {};
for (const which of BROKERS) {
  const started = await startBroker(
    { name: which === 'embedded' ? 'aedes' : which, url: which, credentials: { mode: 'none' }, tls: undefined },
    process.env,
  );
  const scenario = parseScenario({
    ...bundled,
    brokers: [{ name: started.target.name, url: started.target.url, credentials: { mode: 'none' } }],
    fleet: { size: MAX, seed: 'ramp' },
    rampToBreak: {
      startCars: START,
      stepCars: STEP,
      maxCars: MAX,
      rampDuration: RAMP_S,
      holdDuration: HOLD_S,
      settleDuration: SETTLE_S,
      rateHz: 1,
    },
    profile: { ...(bundled['profile'] as Record<string, unknown>), e2e: { probe: 'subscriber', sampleShare: SHARE } },
  });
  const before = load();
  process.stderr.write(`bench loadtest-ramp: ${started.target.name} at ${started.target.url}, load average ${before}\n`);
  try {
    const { report } = await runLoadTest({
      scenario,
      broker: started.target,
      onEvent: (text) => process.stderr.write(`  ${started.target.name}: ${text} (load ${load()})\n`),
      ...(started.pid !== undefined && { brokerPid: started.pid }),
    });
    const r = report.rampToBreak;
    const s = report.summary;
    results[started.target.name] = {
      max_cars: r?.lastHeld ?? null,
      broke_at: r?.brokeAt ?? null,
      failed: r?.failed ?? [],
      levels: r?.levels ?? [],
      puback_p99_ms: s.latencyMs.puback.p99,
      e2e_p99_ms: s.latencyMs.e2e.p99,
      connect_p99_ms: s.latencyMs.connect.p99,
      errors: s.errors,
      lost: s.sequence.lost,
      duration_s: Math.round(report.run.durationMs / 1000),
      load_avg_1m_before: before,
      load_avg_1m_after: load(),
    };
    process.stderr.write(
      `bench loadtest-ramp: ${started.target.name}: last level held ${r?.lastHeld ?? 'none'} cars, broke at ${r?.brokeAt ?? '-'} on ${(r?.failed ?? []).join(', ') || '-'}\n`,
    );
  } finally {
    await started.close();
  }
}

const figures = {
  bench: 'loadtest-ramp',
  mosquitto_max_cars: results['mosquitto']?.max_cars ?? null,
  aedes_max_cars: results['aedes']?.max_cars ?? null,
  rate_hz: 1,
  qos: 1,
  start: START,
  step: STEP,
  max: MAX,
  ramp_s: RAMP_S,
  hold_s: HOLD_S,
  settle_s: SETTLE_S,
  probe_share: SHARE,
  thresholds: scenarioThresholds(),
  brokers: results,
};
function scenarioThresholds(): string[] {
  return ((bundled['thresholds'] as unknown[]) ?? []).map((t) => (typeof t === 'string' ? t : String((t as { expr: string }).expr)));
}
process.stdout.write(
  `mosquitto: ${figures.mosquitto_max_cars ?? 'none'} cars held; aedes: ${figures.aedes_max_cars ?? 'none'} cars held (1 Hz, QoS 1)\n`,
);
writeResult('loadtest-ramp', figures, process.argv.slice(2));
process.stdout.write(`${JSON.stringify(figures)}\n`);

/** A synthetic load-test run for the report tests: a scenario and a collector filled over 60 s. */
import { MetricsCollector } from '../../../loadtest/metrics/collector.js';
import { buildReport } from '../../../loadtest/report/json.js';
import type { JsonReport } from '../../../loadtest/report/schema.js';
import { parseScenario, type LoadScenario } from '../../../loadtest/scenario/scenario.js';

export function scenarioDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'unit',
    brokers: [{ name: 'local', url: 'mqtt://127.0.0.1:1883' }],
    fleet: { size: 100, seed: 'unit' },
    stages: [
      { duration: '10s', target: 100 },
      { duration: '40s', target: 100 },
      { duration: '10s', target: 0 },
    ],
    thresholds: [
      'puback_latency.p99 < 50ms',
      'loss == 0',
      'errors.rate < 1%',
      { expr: 'connect_time.p99 < 500ms', abortOnFail: true, delay: '5s' },
    ],
    ...overrides,
  };
}

export function unitScenario(overrides: Record<string, unknown> = {}): LoadScenario {
  return parseScenario(scenarioDoc(overrides));
}

/** 60 s of 100 cars at 1 Hz; `slow` multiplies PUBACK latency (to fail a threshold). */
export function syntheticCollector(
  options: { readonly slow?: number; readonly cars?: number; readonly seconds?: number } = {},
): MetricsCollector {
  const cars = options.cars ?? 100;
  const seconds = options.seconds ?? 60;
  const slow = options.slow ?? 1;
  const c = new MetricsCollector({ startEpochMs: Date.UTC(2026, 10, 25, 1, 0, 0) });
  for (let s = 0; s < seconds; s++) {
    const connected = s < 10 ? Math.round((cars * (s + 1)) / 10) : s >= seconds - 10 ? Math.round((cars * (seconds - s - 1)) / 10) : cars;
    const t = s * 1000;
    c.connected(t + 900, connected);
    if (s < 10) {
      const n = Math.round(cars / 10);
      c.connectAttempt(t, n);
      for (let k = 0; k < n; k++) c.latency(t + 10, 'connect', 5000 + k * 300);
    }
    for (let car = 0; car < connected; car++) {
      const vin = `VIN${String(car).padStart(14, '0')}`;
      c.sent(t + car, 'telemetry');
      c.acked(t + car + 2, 'telemetry');
      c.latency(t + car + 2, 'puback', (1500 + ((car * 37 + s * 11) % 4000)) * slow);
      c.received(t + car + 5, 'telemetry', vin, s);
      c.latency(t + car + 5, 'e2e', 4000 + ((car * 53 + s) % 20000));
    }
    if (s === 30) {
      c.error(t, 'MQTT_KEEPALIVE_TIMEOUT', 2);
      c.reconnect(t + 500, 2);
    }
  }
  return c;
}

export function syntheticReport(options: { readonly slow?: number; readonly broker?: string } = {}): JsonReport {
  const start = Date.UTC(2026, 10, 25, 1, 0, 0);
  return buildReport({
    scenario: unitScenario(),
    scenarioFile: 'unit.yaml',
    broker: { name: options.broker ?? 'local', url: 'mqtt://127.0.0.1:1883' },
    startedAtMs: start,
    endedAtMs: start + 60_000,
    metrics: syntheticCollector(options).snapshot(),
  });
}

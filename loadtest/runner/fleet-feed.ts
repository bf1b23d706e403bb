/**
 * Feeds the collector from the fleet's cumulative stats (the simulator units post theirs every
 * second; the coordinator adds them up): the difference to the previous stats is what happened
 * since, recorded in the bucket of `tMs`. Pure over (previous, current) apart from the collector.
 *
 * - sent: publishes handed to the cars' sessions, by kind (telemetry, event, status, commandResult)
 * - acked: PUBACKs (QoS 1) and PUBCOMPs (QoS 2), keyed `qos1` / `qos2` (an ack does not say the kind)
 * - connect and PUBACK latency: the histograms' difference (subtractHistogram)
 * - errors by cause (the MQTT error codes), connection attempts, and reconnects: connections lost
 *   after they were up (the car reconnects by itself)
 * - connected: cars connected now
 */
import type { UnitStats } from '../../simulator/runtime/messages.js';
import { SENT_KINDS } from '../../simulator/runtime/counters.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { subtractHistogram } from '../metrics/histogram-diff.js';

export function feedFleetStats(collector: MetricsCollector, tMs: number, cur: UnitStats, prev: UnitStats | undefined): void {
  for (const kind of SENT_KINDS) {
    const n = cur.sim.published[kind] - (prev?.sim.published[kind] ?? 0);
    if (n > 0) collector.sent(tMs, kind, n);
  }
  for (const qos of [1, 2] as const) {
    const n = cur.mqtt.acked[qos] - (prev?.mqtt.acked[qos] ?? 0);
    if (n > 0) collector.acked(tMs, `qos${qos}`, n);
  }
  const puback = prev === undefined ? cur.mqtt.pubackLatencyUs : subtractHistogram(cur.mqtt.pubackLatencyUs, prev.mqtt.pubackLatencyUs);
  const connect = prev === undefined ? cur.mqtt.connectLatencyUs : subtractHistogram(cur.mqtt.connectLatencyUs, prev.mqtt.connectLatencyUs);
  collector.latencyHistogram(tMs, 'puback', puback);
  collector.latencyHistogram(tMs, 'connect', connect);
  for (const [cause, total] of Object.entries(cur.mqtt.errors)) {
    const n = total - (prev?.mqtt.errors[cause] ?? 0);
    if (n > 0) collector.error(tMs, cause, n);
  }
  const attempts = cur.mqtt.connectAttempts - (prev?.mqtt.connectAttempts ?? 0);
  if (attempts > 0) collector.connectAttempt(tMs, attempts);
  const lost = cur.mqtt.disconnects - (prev?.mqtt.disconnects ?? 0);
  if (lost > 0) collector.reconnect(tMs, lost);
  collector.connected(tMs, cur.mqtt.states.connected);
}

/**
 * What a Mosquitto itself counts, read from its $SYS tree (start it with `sys_interval 1`): PUBLISH
 * packets received from clients and clients connected. A tool's own counters say what it meant to
 * send; these say what reached the broker, the same way for every tool measured.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface SysTick {
  /** `$SYS/broker/publish/messages/received`: PUBLISH packets received since the broker started. */
  readonly received: number;
  /** `$SYS/broker/clients/connected`, this watcher excluded. */
  readonly connected: number;
  /** `$SYS/broker/bytes/received`: bytes of every packet received since the broker started. */
  readonly bytes: number;
  /** performance.now() when the tick arrived. */
  readonly at: number;
}

const RECEIVED = '$SYS/broker/publish/messages/received';
const CONNECTED = '$SYS/broker/clients/connected';
const BYTES = '$SYS/broker/bytes/received';

export interface SysWatcher {
  /** The last tick (received 0 until the broker has published one). */
  last(): SysTick;
  /** Clients connected as last published (this watcher excluded), even when no PUBLISH came in since. */
  connected(): number;
  /** The next tick, or the last one when none comes within `timeoutMs` (an idle broker publishes no change). */
  next(timeoutMs?: number): Promise<SysTick>;
  close(): Promise<void>;
}

export async function watchSys(url: string): Promise<SysWatcher> {
  const client: MqttClient = mqtt.connect(url, { clientId: `v2x-sys-${process.pid}`, reconnectPeriod: 0, connectTimeout: 10_000 });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  let received = 0;
  let connected = 0;
  let bytes = 0;
  let last: SysTick = { received: 0, connected: 0, bytes: 0, at: performance.now() };
  let waiters: ((t: SysTick) => void)[] = [];
  client.on('message', (topic, payload) => {
    const v = Number(payload.toString());
    if (!Number.isFinite(v)) return;
    if (topic === CONNECTED) connected = Math.max(0, v - 1);
    if (topic === BYTES) bytes = v;
    if (topic !== RECEIVED) return;
    received = v;
    last = { received, connected, bytes, at: performance.now() };
    const w = waiters;
    waiters = [];
    for (const f of w) f(last);
  });
  await client.subscribeAsync([RECEIVED, CONNECTED, BYTES], { qos: 0 });
  return {
    last: () => last,
    connected: () => connected,
    next: (timeoutMs = 3000) =>
      new Promise<SysTick>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((f) => f !== done);
          resolve(last);
        }, timeoutMs);
        const done = (t: SysTick): void => {
          clearTimeout(timer);
          resolve(t);
        };
        waiters.push(done);
      }),
    close: () => client.endAsync(),
  };
}

/**
 * The two fleets bench/mqtt-client.ts measures, each loaded in its own child process with a dynamic
 * import so the child holds only the client it measures:
 *   (a) mqttjs: one mqtt.js client and one 1 Hz setInterval per car;
 *   (b) lean:   lean sessions in one pool, one timer wheel driving every car.
 */
// Types only (erased): the clients themselves are imported dynamically.
import type { MqttClient } from 'mqtt';
import type { SessionPool as SessionPoolType } from '../../mqtt/pool.js';
import type { MqttSession } from '../../mqtt/session.js';
import type { EncodedTopic as EncodedTopicType } from '../../mqtt/encode.js';
import type { TimerNode as TimerNodeType } from '../../mqtt/timer-wheel.js';

export interface Fleet {
  connected(): number;
  sent(): number;
  acked(): number;
  latencyMs(p: number): number;
  resetLatency(): void;
  close(): Promise<void>;
}

export interface FleetOptions {
  host: string;
  port: number;
  cars: number;
  ramp: number;
  payload: Buffer;
}
export type StartFleet = (o: FleetOptions) => Fleet;

/** (a) one mqtt.js client and one setInterval per car, connections opened at the ramp rate. */
export async function mqttjsFleet(): Promise<StartFleet> {
  const { connect } = await import('mqtt');
  const { Histogram } = await import('../../core/histogram.js');
  return (o) => {
    const clients: MqttClient[] = [];
    const timers: NodeJS.Timeout[] = [];
    let connected = 0;
    let sent = 0;
    let acked = 0;
    let latency = new Histogram();
    const publishOpts = { qos: 1 } as const;
    let opened = 0;
    const ramp = setInterval(() => {
      const batch = Math.max(1, Math.round(o.ramp / 100));
      for (let k = 0; k < batch && opened < o.cars; k++) {
        const i = opened++;
        const topic = `bench/${i}/telemetry`;
        const client = connect({
          host: o.host,
          port: o.port,
          clientId: `mqttjs-${process.pid}-${i}`,
          protocolVersion: 4,
          clean: true,
          keepalive: 60,
          reconnectPeriod: 1000,
        });
        clients.push(client);
        let timer: NodeJS.Timeout | undefined;
        let up = false;
        client.on('connect', () => {
          up = true;
          connected++;
          if (timer !== undefined) return;
          timer = setInterval(() => {
            const t0 = performance.now();
            sent++;
            client.publish(topic, o.payload, publishOpts, (err) => {
              if (err) return;
              acked++;
              latency.record((performance.now() - t0) * 1000);
            });
          }, 1000);
          timers.push(timer);
        });
        client.on('close', () => {
          if (up) connected--;
          up = false;
        });
        client.on('error', () => undefined);
      }
      if (opened >= o.cars) clearInterval(ramp);
    }, 10);
    return {
      connected: () => connected,
      sent: () => sent,
      acked: () => acked,
      latencyMs: (p) => latency.percentile(p) / 1000,
      resetLatency: () => {
        latency = new Histogram();
      },
      close: async () => {
        clearInterval(ramp);
        for (const t of timers) clearInterval(t);
        await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      },
    };
  };
}

/** (b) lean sessions in one pool: one timer wheel drives every car's 1 Hz publish and keepalive. */
export async function leanFleet(): Promise<StartFleet> {
  const { SessionPool } = await import('../../mqtt/pool.js');
  const { TimerNode } = await import('../../mqtt/timer-wheel.js');
  const { EncodedTopic } = await import('../../mqtt/encode.js');
  type Pool = SessionPoolType<Car>;
  type Session = MqttSession<Car>;

  class Car {
    readonly topic: EncodedTopicType;
    readonly node: TimerNodeType;
    session: Session | undefined;
    next = 0;
    constructor(
      readonly pool: Pool,
      readonly payload: Buffer,
      i: number,
    ) {
      this.topic = new EncodedTopic(`bench/${i}/telemetry`);
      this.node = new TimerNode(this);
    }
    onTimer(): void {
      this.session!.publish(this.topic, this.payload, 1);
      this.next += 1000;
      this.pool.wheel.scheduleAt(this.node, this.next);
    }
  }

  return (o) => {
    const pool: Pool = new SessionPool<Car>({
      rampPerSecond: o.ramp,
      events: {
        connected(session) {
          const car = session.tag;
          if (car.node.scheduled) return;
          car.next = pool.wheel.now + 1000;
          pool.wheel.scheduleAt(car.node, car.next);
        },
      },
    });
    for (let i = 0; i < o.cars; i++) {
      const car = new Car(pool, o.payload, i);
      car.session = pool.add(
        {
          clientId: `lean-${process.pid}-${i}`,
          transport: { host: o.host, port: o.port },
          protocolVersion: 4,
          clean: true,
          keepalive: 60,
          reconnect: { baseMs: 1000, maxMs: 30_000, jitter: 0.5, seed: i },
        },
        car,
      );
    }
    void pool.start();
    return {
      connected: () => pool.stats.states.connected,
      sent: () => pool.stats.sent[1],
      acked: () => pool.stats.acked[1],
      latencyMs: (p) => pool.stats.pubackLatencyUs.percentile(p) / 1000,
      resetLatency: () => pool.stats.pubackLatencyUs.reset(),
      close: async () => {
        for (const s of pool.sessions) s.tag.node.cancel();
        await pool.close();
      },
    };
  };
}

/**
 * Cars that only answer commands: one real MQTT session per VIN (mqtt.js) on the backend's broker,
 * subscribed to its command topic at QoS 1, answering each command `delivered` then `succeeded`, and
 * executing a command id once, as the simulated car does (simulator/vehicle/commands.ts): a repeat
 * is counted and answered again with the same result, not executed again. Their telemetry comes from elsewhere (a script written to Kafka).
 */
import { commandRequestTopic, commandResultTopic, decodeCommandRequest, encode, type CommandResult } from '../../protocol/index.js';
import { connectCar, type After } from './backend.js';

export interface Responders {
  /** Command ids each car executed, in order. */
  readonly executed: ReadonlyMap<string, readonly string[]>;
  /** Requests received again for a command a car had executed (at-least-once delivery: not a failure). */
  readonly repeats: () => number;
}

export async function commandResponders(t: After, url: string, vins: readonly string[], fleetKey: string): Promise<Responders> {
  const executed = new Map<string, string[]>();
  let repeats = 0;
  const one = async (vin: string): Promise<void> => {
    const client = await connectCar(t, url, vin, fleetKey);
    const done: string[] = [];
    executed.set(vin, done);
    /** The car's stamp of each final result: a repeat is answered again with the same result. */
    const stamps = new Map<string, number>();
    const answer = (r: Omit<CommandResult, 'vin' | 'ts'>, ts = Date.now()): Promise<unknown> =>
      client.publishAsync(commandResultTopic(vin), encode('commandResult', { ...r, vin, ts } as CommandResult), { qos: 1 });
    client.on('message', (topic, payload) => {
      if (topic !== commandRequestTopic(vin)) return;
      const { commandId } = decodeCommandRequest(payload);
      const stamp = stamps.get(commandId);
      if (stamp !== undefined || done.includes(commandId)) {
        repeats++;
        if (stamp !== undefined) void answer({ commandId, status: 'succeeded' }, stamp);
        return;
      }
      done.push(commandId);
      const ts = Date.now();
      void answer({ commandId, status: 'delivered' }, ts).then(
        () => (stamps.set(commandId, ts), answer({ commandId, status: 'succeeded' }, ts)),
      );
    });
    await client.subscribeAsync(commandRequestTopic(vin), { qos: 1 });
  };
  for (let i = 0; i < vins.length; i += 25) await Promise.all(vins.slice(i, i + 25).map(one));
  return { executed, repeats: () => repeats };
}

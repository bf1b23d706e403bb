/**
 * Helpers for the command service tests: a simulated car as a real MQTT client that answers
 * commands per the protocol, an API client, and polling with a deadline (never fixed sleeps).
 */
import type { MqttClient } from 'mqtt';
import {
  commandRequestTopic,
  commandResultTopic,
  decodeCommandRequest,
  encode,
  statusTopic,
  type CommandReason,
  type CommandResult,
} from '../../../protocol/index.js';
import { announceOnline, connectCar } from '../../helpers/backend.js';

type After = { after(fn: () => unknown): void };

export const TOKENS = ['op:operator:operator-token', 'vic:viewer:viewer-token', 'root:admin:admin-token-1'];
export const OPERATOR = 'operator-token';
export const VIEWER = 'viewer-token';

export type Behaviour = 'succeed' | 'deliver-only' | 'silent' | { readonly reject: CommandReason; readonly message: string };

export interface TestCar {
  readonly client: MqttClient;
  /** Every commandId received on cmd/req, duplicates included. */
  readonly received: string[];
  answer(result: Omit<CommandResult, 'vin' | 'ts'>): Promise<void>;
  sleep(): Promise<void>;
}

/** Connects a car, subscribes to its commands, publishes `online` (retained) and answers per `behaviour`. */
export async function testCar(t: After, url: string, vin: string, fleetKey: string, behaviour: Behaviour): Promise<TestCar> {
  const client = await connectCar(t, url, vin, fleetKey, {
    will: {
      topic: statusTopic(vin),
      payload: encode('status', { vin, state: 'offline', ts: Date.now(), reason: 'connection_lost' }),
      qos: 1,
      retain: true,
    },
  });
  const received: string[] = [];
  const answer = async (r: Omit<CommandResult, 'vin' | 'ts'>): Promise<void> => {
    await client.publishAsync(commandResultTopic(vin), encode('commandResult', { ...r, vin, ts: Date.now() } as CommandResult), { qos: 1 });
  };
  client.on('message', (topic, payload) => {
    if (topic !== commandRequestTopic(vin)) return;
    const req = decodeCommandRequest(payload);
    received.push(req.commandId);
    if (behaviour === 'silent') return;
    if (typeof behaviour === 'object') {
      void answer({ commandId: req.commandId, status: 'rejected', reason: behaviour.reject, message: behaviour.message });
      return;
    }
    void answer({ commandId: req.commandId, status: 'delivered' }).then(() =>
      behaviour === 'succeed' ? answer({ commandId: req.commandId, status: 'succeeded' }) : undefined,
    );
  });
  await client.subscribeAsync(commandRequestTopic(vin), { qos: 1 });
  await announceOnline(client, vin);
  return {
    client,
    received,
    answer,
    async sleep() {
      await client.publishAsync(statusTopic(vin), encode('status', { vin, state: 'offline', ts: Date.now(), reason: 'sleep' }), {
        qos: 1,
        retain: true,
      });
      await client.endAsync();
    },
  };
}

import type { apiClient } from '../../helpers/api.js';

export { apiClient, type ApiResponse } from '../../helpers/api.js';

/** Polls fn until it returns something other than undefined, or throws at the deadline. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the command reaches `status`; returns the states seen on the way. */
export async function waitForStatus(
  api: ReturnType<typeof apiClient>,
  commandId: string,
  status: string,
  timeoutMs = 30_000,
): Promise<{ seen: string[]; body: Record<string, unknown> }> {
  const seen: string[] = [];
  const body = await eventually(
    `command ${commandId} ${status}`,
    async () => {
      const r = await api('GET', `/api/v1/commands/${commandId}`, VIEWER);
      const s = String(r.body.status);
      if (seen.at(-1) !== s) seen.push(s);
      return s === status ? r.body : undefined;
    },
    timeoutMs,
  );
  return { seen, body };
}

/** Waits until the service has seen the car on vehicle-status. */
export async function waitKnown(api: ReturnType<typeof apiClient>, vin: string): Promise<void> {
  await eventually(`${vin} known`, async () =>
    (await api('GET', `/api/v1/vehicles/${vin}/commands`, VIEWER)).status === 200 ? true : undefined,
  );
}

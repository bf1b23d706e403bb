/**
 * Remote commands on the simulated cars: decode the request from cmd/req, decide with the pure
 * handleCommand (simulator/vehicle/commands.ts), answer `delivered` at once and the final result
 * after the catalogue delay (simulated time), applying the effect then. The answer goes to the
 * MQTT 5 response topic with the correlation data when the request carried them, else to the car's
 * cmd/res topic. Every result carries `receivedAt`, the car's clock when the request arrived (the
 * loop's last hop, decision 0030). A speed-limit effect also caps the car in the traffic model (all replicas).
 */
import { encode, type CodecName } from '../../protocol/codec/index.js';
import { tryDecode } from '../../protocol/codec/index.js';
import { commandResultTopic } from '../../protocol/topics.js';
import type { CommandResult } from '../../protocol/schemas/commands.js';
import type { CarSpec } from '../fleet/generate.js';
import type { IncomingMessage, MqttSession, QoS } from '../../mqtt/index.js';
import { TimerNode, type TimerTarget, type TimerWheel } from '../../mqtt/timer-wheel.js';
import { Rng } from '../../core/random.js';
import type { CarKinematics } from '../traffic/kinematics.js';
import { applyCommandEffect, type CommandEffect } from '../vehicle/command-effects.js';
import { EMPTY_COMMAND_STATE, handleCommand, type CarCommandState } from '../vehicle/commands.js';
import type { VehicleConfig } from '../vehicle/config.js';
import type { EventDraft } from '../vehicle/events.js';
import type { VehicleState } from '../vehicle/state.js';
import type { SimCounters } from './counters.js';

/** What the handler needs from the slice that owns the cars. */
export interface CommandHost {
  readonly wheel: TimerWheel;
  readonly state: VehicleState;
  readonly config: VehicleConfig;
  readonly counters: SimCounters;
  readonly codec: CodecName;
  readonly qos: QoS;
  /** The car's clock: epoch ms of the simulated present. */
  carNowMs(): number;
  /** Real ms until the car's clock reaches `epochMs`. */
  realDelayMs(epochMs: number): number;
  car(local: number): CarSpec;
  session(local: number): MqttSession<number>;
  kinematics(local: number): CarKinematics;
  /** Publishes events caused by an applied effect. */
  emitEvents(local: number, drafts: readonly EventDraft[]): void;
  /** A speed limit took effect (km/h; 0 = none). */
  speedLimited(local: number, kmh: number): void;
}

interface Reply {
  readonly topic: string;
  readonly correlationData?: Buffer;
}

class PendingResult implements TimerTarget {
  readonly node = new TimerNode(this);
  constructor(
    readonly handler: CommandHandler,
    readonly local: number,
    readonly result: CommandResult,
    readonly reply: Reply,
    readonly effect: CommandEffect | undefined,
  ) {}
  onTimer(): void {
    this.handler.complete(this);
  }
}

export class CommandHandler {
  readonly #host: CommandHost;
  readonly #memory = new Map<number, CarCommandState>();
  readonly #received = new Map<number, number>();
  readonly #drafts: EventDraft[] = [];

  constructor(host: CommandHost) {
    this.#host = host;
  }

  /** A PUBLISH on car `local`'s cmd/req. */
  onRequest(local: number, message: IncomingMessage): void {
    const host = this.#host;
    host.counters.commandsReceived++;
    // the car's clock when the request arrived, reported in its results (hop latencies, decision 0030)
    const receivedAt = Math.round(host.carNowMs());
    const car = host.car(local);
    const decoded = tryDecode('commandRequest', message.payload);
    // an undecodable request is judged by handleCommand too (it answers rejected/invalid_params when it has an id)
    const request: unknown = decoded.ok ? decoded.value : safeJson(message.payload);
    const n = (this.#received.get(local) ?? 0) + 1;
    this.#received.set(local, n);
    const outcome = handleCommand(
      {
        car,
        state: host.state,
        index: local,
        kin: host.kinematics(local),
        nowMs: host.carNowMs(),
        rng: new Rng(`${car.seed}:cmd:${n}`),
        config: host.config,
        commands: this.#memory.get(local) ?? EMPTY_COMMAND_STATE,
      },
      request,
    );
    if (outcome === undefined) return; // no usable commandId: nobody to answer
    this.#memory.set(local, outcome.commands);
    const reply: Reply =
      message.responseTopic !== undefined
        ? { topic: message.responseTopic, ...(message.correlationData !== undefined && { correlationData: message.correlationData }) }
        : { topic: commandResultTopic(car.vin) };
    if (outcome.delivered !== undefined) this.#send(local, { ...outcome.delivered, receivedAt }, reply);
    const result = { ...outcome.result, receivedAt };
    const pending = new PendingResult(this, local, result, reply, outcome.duplicate ? undefined : outcome.effect);
    const delay = host.realDelayMs(outcome.effectAtMs);
    if (delay <= 0) this.complete(pending);
    else host.wheel.schedule(pending.node, delay);
  }

  /** @internal the delay has passed: apply the effect, send the result. */
  complete(p: PendingResult): void {
    const host = this.#host;
    if (p.effect !== undefined) {
      this.#drafts.length = 0;
      applyCommandEffect(host.state, p.local, p.effect, this.#drafts);
      if (this.#drafts.length > 0) host.emitEvents(p.local, this.#drafts);
      if (p.effect.kind === 'speed_limit') host.speedLimited(p.local, p.effect.kmh);
    }
    host.counters.commandResults[p.result.status] = (host.counters.commandResults[p.result.status] ?? 0) + 1;
    this.#send(p.local, p.result, p.reply);
  }

  #send(local: number, result: CommandResult, reply: Reply): void {
    const host = this.#host;
    const payload = encode('commandResult', result, host.codec);
    const options = reply.correlationData !== undefined ? { correlationData: reply.correlationData } : undefined;
    host.session(local).publish(reply.topic, payload, host.qos === 0 ? 1 : host.qos, options);
    host.counters.published.commandResult++;
  }
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

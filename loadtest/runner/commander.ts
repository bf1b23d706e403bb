/**
 * The command sender (`profile.commands`): a service MQTT session that publishes remote command
 * requests to the cars' `cmd/req` topics at the scenario's rate and reads their answers on every
 * car's `cmd/res`, and which cars are online from their retained `status`. It works against any
 * broker; against one with an ACL (the embedded broker with auth) it needs a service account
 * (`brokers[].service`, config mqtt.services there): cars may neither publish another car's
 * cmd/req nor subscribe with wildcards. The decisions (which car, what became of each command) are
 * the pure CommandTracker's; decision record 0018 says why MQTT and not the REST API.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import type { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { encode, tryDecode, type CodecName } from '../../protocol/codec/index.js';
import { commandRequestTopic, inspectTopic, topicFilter } from '../../protocol/topics.js';
import type { BrokerAddress } from '../../simulator/config.js';
import type { IncomingMessage, ProtocolVersion } from '../../mqtt/index.js';
import { Rng } from '../../core/random.js';
import { commandsDue } from '../commands/pacing.js';
import { loadtestCommandRequest } from '../commands/request.js';
import { CommandTracker } from '../commands/tracker.js';
import type { MetricsCollector } from '../metrics/collector.js';
import { openServiceSession, type ServiceSession } from './service-session.js';

const log = logger('loadtest-commands');

export interface CommanderOptions {
  readonly broker: BrokerAddress;
  readonly caFile?: string;
  readonly protocolVersion: ProtocolVersion;
  readonly username?: string;
  readonly password?: string;
  readonly perSecond: number;
  readonly types: readonly string[];
  readonly timeoutMs: number;
  readonly codec: CodecName;
  readonly seed: string;
  readonly clock?: Clock;
  readonly connectTimeoutMs?: number;
}

export class Commander {
  readonly #o: CommanderOptions;
  readonly #clock: Clock;
  readonly #tracker: CommandTracker;
  #session: ServiceSession | undefined;
  #collector: MetricsCollector | undefined;
  #startEpochMs = 0;
  #lastTickMs = 0;
  #sending = false;

  constructor(options: CommanderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#tracker = new CommandTracker({
      types: options.types,
      timeoutMs: options.timeoutMs,
      rng: new Rng(`${options.seed}:loadtest-commands`),
      idPrefix: `lt${Math.floor(this.#clock.now()).toString(36)}`,
      sink: {
        command: (t, outcome, n) => this.#collector?.command(t, outcome, n),
        latency: (t, series, us) => this.#collector?.latency(t, series, us),
      },
    });
  }

  /** Cars the broker says are online (retained status). */
  get onlineCars(): number {
    return this.#tracker.onlineCars;
  }
  get pending(): number {
    return this.#tracker.pending;
  }

  /** Connects and subscribes to every car's status and command results. */
  async start(): Promise<void> {
    const o = this.#o;
    this.#session = await openServiceSession({
      broker: o.broker,
      ...(o.caFile !== undefined && { caFile: o.caFile }),
      protocolVersion: o.protocolVersion,
      qos: 1,
      topics: [topicFilter('status'), topicFilter('commandResult')],
      ...(o.username !== undefined && { username: o.username }),
      ...(o.password !== undefined && { password: o.password }),
      label: 'command sender',
      ...(o.clock !== undefined && { clock: o.clock }),
      ...(o.connectTimeoutMs !== undefined && { connectTimeoutMs: o.connectTimeoutMs }),
      onMessage: (m) => this.#message(m),
      onError: (e) => this.#error(e),
    });
  }

  /** From now on commands go out on `tick` and are recorded in `collector` (t relative to `startEpochMs`). */
  attach(collector: MetricsCollector, startEpochMs: number): void {
    this.#collector = collector;
    this.#startEpochMs = startEpochMs;
    this.#lastTickMs = 0;
    this.#sending = true;
  }

  #t(): number {
    return this.#clock.now() - this.#startEpochMs;
  }

  /** The runner's control tick: sends the commands due since the last tick, times out the overdue. */
  tick(): void {
    if (!this.#sending || this.#session === undefined) return;
    const t = this.#t();
    const n = commandsDue(this.#o.perSecond, this.#lastTickMs, t);
    this.#lastTickMs = Math.max(this.#lastTickMs, t);
    for (let i = 0; i < n; i++) this.#send(t);
    this.#tracker.sweep(t);
  }

  #send(t: number): void {
    const next = this.#tracker.next(t);
    if (next === undefined) return;
    const request = loadtestCommandRequest(next, this.#clock.now(), this.#o.timeoutMs);
    this.#session?.session.publish(commandRequestTopic(next.vin), encode('commandRequest', request, this.#o.codec), 1);
  }

  #message(m: IncomingMessage): void {
    const topic = inspectTopic(m.topic);
    if ('problem' in topic) return;
    if (topic.kind === 'status') {
      const s = m.payload.length === 0 ? undefined : tryDecode('status', m.payload);
      this.#tracker.status(topic.vin, s !== undefined && s.ok && s.value.state === 'online');
      return;
    }
    if (topic.kind !== 'commandResult' || this.#collector === undefined) return;
    const r = tryDecode('commandResult', m.payload);
    if (!r.ok) {
      this.#collector.error(this.#t(), 'COMMAND_RESULT_INVALID');
      return;
    }
    this.#tracker.answer(r.value.commandId, r.value.status, this.#t());
  }

  #error(e: V2xError): void {
    log.warn({ code: e.code, err: e.message }, 'command sender error');
    this.#collector?.error(this.#t(), `COMMANDS_${e.code}`);
  }

  /**
   * Stops sending and waits for the answers in flight (until none is pending, at most `maxMs`;
   * commands to cars already offline are not waited for); what is still pending then is timed out.
   */
  async settle(maxMs: number): Promise<void> {
    this.#sending = false;
    const clock = this.#clock;
    const deadline = clock.monotonic() + maxMs;
    this.#tracker.expireOffline(this.#t());
    while (this.#tracker.pending > 0 && clock.monotonic() < deadline) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 50));
      this.#tracker.sweep(this.#t());
      this.#tracker.expireOffline(this.#t());
    }
    this.#tracker.finish(this.#t());
  }

  async close(): Promise<void> {
    this.#sending = false;
    await this.#session?.close();
  }
}

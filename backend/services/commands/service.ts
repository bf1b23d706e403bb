/**
 * The command service's shell around the pure state machine (machine.ts): Kafka in and out, TTL timers, the typed event
 * channel. On start it rebuilds every command from the compacted command-status topic (to the high watermarks taken at
 * start), then follows it live (every instance knows every command: ownership.ts), and the cars' connectivity from
 * vehicle-status. Car results come through a stable consumer group whose assignment says which cars' commands this instance
 * owns (at-least-once: a redelivered result reaches a command that moved on, ignored).
 */
import { randomUUID } from 'node:crypto';
import { kafkaTopicName, tryDecode } from '../../../protocol/index.js';
import { systemClock, type Clock, type TimerHandle } from '../../../core/clock.js';
import { V2xError } from '../../../core/errors.js';
import { logger } from '../../../core/log.js';
import type { Consumer, InRecord, KafkaClient, Producer } from '../../kafka/types.js';
import { serviceWriter } from '../../kafka/service-writer.js';
import type { KafkaWriter } from '../../kafka/writer.js';
import { ensureContractTopics, type TopicsConfig } from '../../kafka/topics.js';
import { CommandBook } from './book.js';
import { catchUp } from './catch-up.js';
import type { commandsConfigSchema } from './config.js';
import { createCommandEvents } from './events.js';
import { decideIdempotency, fingerprint } from './idempotency.js';
import { deadlineOf, isRefusal, step } from './machine.js';
import { needsSend as sendRule, resendDueAt, type ResendPolicy } from './resend.js';
import { SettleWaiters } from './settle-waiters.js';
import { FOLLOW_WAIT_MS, Ownership, ownerHooks } from './ownership.js';
import type { CommandService } from './service-api.js';
import { createCommandMetrics } from './metrics.js';
import { decodeSnapshot, journalRecords, requestRecord } from './records.js';
import { isTerminal, type CommandInput, type CommandOutput, type CommandSnapshot } from './types.js';
import type { Static } from '@sinclair/typebox';
import type { HopMetrics } from '../../metrics/hop-metrics.js';
import type { Registry } from 'prom-client';
import type { DeepReadonly } from '../../../core/config/load.js';

export type CommandsConfig = DeepReadonly<Static<typeof commandsConfigSchema>>;

export interface CommandServiceDeps {
  readonly kafka: KafkaClient;
  readonly config: CommandsConfig;
  readonly topicPrefix: string;
  /** Topic sizes (bridge.topics); the defaults when absent. */
  readonly topics?: TopicsConfig;
  readonly clock?: Clock;
  /** Where the service's metrics go (metrics.ts); none when absent. */
  readonly registry?: Registry;
  readonly hops?: HopMetrics; // the V2X loop's last hop: a fence action's command received by the car (decision 0030)
}

export type { CommandService, CreateRequest } from './service-api.js';

const log = logger('commands');

/**
 * The service's records go through the one Kafka writer (backend/kafka/writer.ts, decision 0023):
 * group commit (what N commands append while a batch is in flight costs one round trip, decision
 * 0015), retries with backoff while Kafka is away. A record Kafka refuses for good is dead-lettered
 * and its step fails (the API answers with the error) rather than the service going on as if stored.
 * While the writer is full (Kafka slow or away) new commands are refused with KAFKA_UNAVAILABLE.
 */
const REJECT_REFUSED = { rejectRefused: true } as const;
/** How long close() waits for Kafka to take what is queued. */
const CLOSE_FLUSH_MS = 10_000;

export async function startCommandService(deps: CommandServiceDeps): Promise<CommandService> {
  const { kafka, config, topicPrefix } = deps;
  const clock = deps.clock ?? systemClock;
  const book = new CommandBook();
  const events = createCommandEvents();
  const waiters = new SettleWaiters(events);
  const timers = new Map<string, TimerHandle>();
  /** Per SENT command, its timed resend (resend.ts): a request lost on the way is not waited for forever. */
  const resendTimers = new Map<string, TimerHandle>();
  const policy: ResendPolicy = { firstMs: config.resendAfterMs, maxMs: config.resendMaxMs, maxResends: config.maxResends };
  const knownVins = new Set(config.knownVins);
  const consumers: Consumer[] = [];
  let producer: Producer | undefined;
  let closed = false;
  /** Per command, the tail of its chain of steps (absent when idle). */
  const chains = new Map<string, Promise<unknown>>();
  let journal: KafkaWriter | undefined;
  /** Which cars' commands this instance owns (its partitions of command-results); set once the topics exist. */
  let ownership: Ownership | undefined;
  const owns = (vin: string): boolean => ownership?.ownsVin(vin) ?? false;
  const metrics = deps.registry === undefined ? undefined : createCommandMetrics(deps.registry, () => book.pending().length);

  const statusTopic = kafkaTopicName('commandStatus', topicPrefix);
  const vehicleTopic = kafkaTopicName('vehicleStatus', topicPrefix);
  const resultsTopic = kafkaTopicName('commandResults', topicPrefix);
  /**
   * Consumer groups carry the topic prefix (as the bridge's do): two backends on one Kafka with
   * different prefixes must not share a group, or the group's assignment hands one backend's
   * partitions to the other (kafkajs assigns every subscribed topic over all members).
   */
  const group = `${topicPrefix}${config.groupId}`;

  /**
   * Runs fn after the steps of the same command queued before it: a command's steps one at a time,
   * each one's records acknowledged before the next is applied. Different commands run side by
   * side; their records share produce batches (the KafkaWriter's group commit).
   */
  const serial = <T>(commandId: string, fn: () => Promise<T>): Promise<T> => {
    const run = (chains.get(commandId) ?? Promise.resolve()).then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    chains.set(commandId, tail);
    void tail.then(() => {
      if (chains.get(commandId) === tail) chains.delete(commandId);
    });
    return run;
  };

  /** Cancels a command's TTL timer and timed resend. */
  const disarm = (commandId: string): void => {
    for (const m of [timers, resendTimers]) m.get(commandId)?.cancel();
    for (const m of [timers, resendTimers]) m.delete(commandId);
  };
  const arm = (s: CommandSnapshot): void => {
    disarm(s.commandId);
    if (closed || isTerminal(s.status) || !owns(s.vin)) return;
    const due = resendDueAt(s, policy);
    const [id, retryIn] = [s.commandId, due === undefined ? -1 : Math.max(0, due - clock.now())];
    if (retryIn >= 0) resendTimers.set(id, clock.setTimeout(retry.bind(undefined, id), retryIn));
    const wait = Math.max(0, deadlineOf(s, config.deliveredGraceMs) - clock.now());
    timers.set(
      s.commandId,
      clock.setTimeout(() => {
        timers.delete(s.commandId);
        void apply(s.commandId, { kind: 'tick' }).catch((err: unknown) =>
          log.error({ err, commandId: s.commandId }, 'timeout step failed'),
        );
      }, wait),
    );
  };

  /**
   * Applies inputs to one command: the pure steps one after the other, then all their records in
   * one append (a car's DELIVERED and SUCCEEDED that arrive together cost one produce round trip),
   * then their transitions announced in order; a `send` among the outputs is produced after that
   * and acknowledged as `sent`. A refusal throws (only create and cancel refuse: they come alone).
   */
  const applyAll = (commandId: string, inputs: readonly CommandInput[]): Promise<CommandSnapshot | undefined> =>
    serial(commandId, async () => {
      const outputs: CommandOutput[] = [];
      for (const input of inputs) {
        const r = step(book.get(commandId), input, { now: clock.now(), deliveredGraceMs: config.deliveredGraceMs });
        if (isRefusal(r)) throw new V2xError('CONFLICT', r.message, { details: { commandId } });
        if (r.ignored || r.snapshot === undefined) {
          // A timer may fire a millisecond before Date.now() reaches its deadline (timers and the wall
          // clock are kept apart): the tick is ignored, so wait again or the command never times out.
          if (input.kind === 'tick' && r.snapshot !== undefined) arm(r.snapshot);
          continue;
        }
        book.put(r.snapshot);
        arm(r.snapshot);
        outputs.push(...r.outputs);
      }
      if (outputs.length === 0) return book.get(commandId);
      await journal!.appendAll(journalRecords(outputs, topicPrefix), REJECT_REFUSED);
      metrics?.observe(outputs);
      for (const o of outputs)
        if (o.kind === 'notify') for (const err of events.emit('transition', o.transition)) log.warn({ err }, 'transition listener threw');
      const send = outputs.find((o): o is Extract<CommandOutput, { kind: 'send' }> => o.kind === 'send');
      if (send !== undefined) {
        await journal!.append(requestRecord(send.snapshot, topicPrefix), REJECT_REFUSED);
        const sent = step(book.get(commandId), { kind: 'sent' }, { now: clock.now(), deliveredGraceMs: config.deliveredGraceMs });
        if (!isRefusal(sent) && !sent.ignored && sent.snapshot) {
          book.put(sent.snapshot);
          arm(sent.snapshot);
          await journal!.appendAll(journalRecords(sent.outputs, topicPrefix), REJECT_REFUSED);
          metrics?.observe(sent.outputs);
          for (const o of sent.outputs) if (o.kind === 'notify') events.emit('transition', o.transition);
        }
      }
      return book.get(commandId);
    });
  const apply = (commandId: string, input: CommandInput): Promise<CommandSnapshot | undefined> => applyAll(commandId, [input]);

  /** resend.ts's rule with what the book knows of the car. */
  const needsSend = (s: CommandSnapshot, resume: boolean): boolean =>
    sendRule(s, { online: book.isOnline(s.vin), onlineSince: book.onlineSince(s.vin) }, resume);
  const send = (s: CommandSnapshot): void => {
    void apply(s.commandId, { kind: 'online' }).catch((err: unknown) => log.error({ err, commandId: s.commandId }, 'send failed'));
  };
  /** A timed resend is due: sent again while the car is online (offline, its next `online` sends it). */
  const retry = (commandId: string): void => {
    resendTimers.delete(commandId);
    const s = book.get(commandId);
    if (s === undefined || closed || !owns(s.vin) || !book.isOnline(s.vin)) return;
    const due = resendDueAt(s, policy);
    if (due !== undefined && due <= clock.now()) send(s);
    else if (due !== undefined) arm(s); // fired a little early (timers and the wall clock are kept apart)
  };

  let replaying = true;
  const onVehicleStatus = (records: readonly InRecord[]): void => {
    for (const rec of records) {
      if (rec.value === null || rec.value.length === 0) continue;
      const d = tryDecode('status', rec.value);
      if (!d.ok) continue;
      const vin = d.value.vin;
      book.setOnline(vin, d.value.state === 'online', rec.timestamp);
      // while replaying the topic only the final state counts (the resume step acts on it)
      if (replaying || d.value.state !== 'online') continue;
      if (owns(vin)) for (const s of book.forVin(vin)) if (needsSend(s, false)) send(s);
    }
  };

  /**
   * A batch of car results: each command's results in record order as one step (one append),
   * different commands side by side; resolves (and the offsets are committed) once every step's records are
   * acknowledged. A step that fails fails the batch, which is retried (at-least-once).
   */
  const onResults = async (records: readonly InRecord[]): Promise<void> => {
    const byCommand = new Map<string, CommandInput[]>();
    for (const rec of records) {
      const d = tryDecode('commandResult', rec.value ?? Buffer.alloc(0));
      if (!d.ok) continue;
      const res = d.value;
      // created on another instance a moment ago: its CREATED may not have been followed here yet
      const s =
        book.get(res.commandId) ?? ((await ownership?.known(book, res.commandId, FOLLOW_WAIT_MS)) ? book.get(res.commandId) : undefined);
      if (s === undefined || s.vin !== res.vin) continue;
      if (res.status === 'delivered') deps.hops?.received('commands', s.causeTs, res.receivedAt);
      const inputs = byCommand.get(res.commandId) ?? [];
      inputs.push({
        kind: 'result',
        status: res.status,
        ...(res.reason ? { reason: res.reason } : {}),
        ...(res.message ? { message: res.message } : {}),
        ...(res.position ? { position: res.position as unknown as Record<string, unknown> } : {}),
      });
      byCommand.set(res.commandId, inputs);
    }
    await Promise.all([...byCommand].map(([commandId, inputs]) => applyAll(commandId, inputs)));
  };

  const { onFollowed, onAssign } = ownerHooks({
    book,
    ownership: () => ownership,
    cancelTimer: disarm,
    hasTimer: (id) => timers.has(id),
    arm,
    resend: (s) => {
      if (needsSend(s, true)) send(s);
    },
    announce: (t) => {
      for (const err of events.emit('transition', t)) log.warn({ err }, 'transition listener threw');
    },
    log: (added, revoked, resumed) => log.info({ added, revoked, resumed }, 'command partitions assigned'),
  });

  const close = async (): Promise<void> => {
    closed = true;
    await ownership?.close();
    waiters.close();
    for (const t of [...timers.values(), ...resendTimers.values()]) t.cancel();
    timers.clear();
    resendTimers.clear();
    for (const c of consumers.splice(0).reverse()) await c.close().catch((err: unknown) => log.warn({ err }, 'consumer close failed'));
    // steps in progress finish; if Kafka is away the writer gives up after CLOSE_FLUSH_MS and they fail
    // (a CREATED command whose request was not produced is sent by the next start: resume)
    const giveUp = clock.setTimeout(
      () => journal?.abort(new V2xError('KAFKA_PRODUCER_CLOSED', 'the command service closed')),
      CLOSE_FLUSH_MS,
    );
    while (chains.size > 0) await Promise.all([...chains.values()]);
    giveUp.cancel();
    const abandoned = (await journal?.closeWithin(CLOSE_FLUSH_MS)) ?? 0;
    if (abandoned > 0) log.warn({ abandoned }, 'closed before Kafka acknowledged every command record');
    await producer?.close();
    metrics?.unregister();
  };

  try {
    const admin = await kafka.admin();
    try {
      await ensureContractTopics(admin, topicPrefix, deps.topics);
      producer = await kafka.producer({ idempotent: true });
      journal = serviceWriter(producer, {
        name: 'commands',
        topicPrefix,
        clock,
        maxBatchRecords: 500,
        ...(metrics ? { onBatch: (n: number, _bytes: number, ms: number) => metrics.produced(n, ms) } : {}),
      });

      // 1. rebuild every command from its latest state
      const statusCatch = await catchUp(admin, statusTopic);
      const rebuild = await kafka.consumer({
        groupId: `${group}-rebuild-${randomUUID()}`,
        topics: [statusTopic],
        fromBeginning: true,
      });
      consumers.push(rebuild);
      ownership = new Ownership((await admin.topicOffsets(resultsTopic)).length, { kafka, topic: statusTopic });
      let following = false;
      // the same consumer stays on the topic: every instance's book follows every instance's writes
      await rebuild.start(async (records) => {
        for (const r of records) {
          const s = decodeSnapshot(r.value);
          if (s === undefined) continue;
          if (following) onFollowed(s);
          else book.put(s);
        }
        statusCatch.see(records);
        ownership!.see(records);
      });
      await statusCatch.done;
      following = true;

      // 2. which cars exist and are online (a fresh group: the whole compacted topic, then live)
      const vehicleCatch = await catchUp(admin, vehicleTopic);
      const vehicles = await kafka.consumer({
        groupId: `${group}-vehicles-${randomUUID()}`,
        topics: [vehicleTopic],
        fromBeginning: true,
      });
      consumers.push(vehicles);
      await vehicles.start(async (records) => {
        onVehicleStatus(records);
        vehicleCatch.see(records);
      });
      await vehicleCatch.done;
    } finally {
      await admin.close();
    }

    replaying = false;
    log.info({ commands: book.size, pending: book.pending().length }, 'command state rebuilt');

    // 3. car results, through the service's stable group; its assignment says which cars' commands
    // are this instance's: on every assignment, TTL timers re-armed and never-produced commands sent
    const results = await kafka.consumer({
      groupId: `${group}-results`,
      topics: [resultsTopic],
      fromBeginning: true,
      onAssign: async (assignment) => onAssign(assignment.get(resultsTopic) ?? []),
    });
    consumers.push(results);
    await results.start(onResults);
  } catch (err) {
    await close();
    throw err;
  }

  return {
    events,
    async create(req) {
      const fp = fingerprint(req);
      if (req.idempotencyKey !== undefined) {
        // a create with this key acknowledged by another instance is in command-status: read up to it
        await ownership?.caughtUp(FOLLOW_WAIT_MS);
        const existing = book.byIdempotencyKey(req.principal, req.idempotencyKey);
        const d = decideIdempotency(existing, fp);
        if (d.kind === 'replay') return { snapshot: existing!, replay: true };
        if (d.kind === 'conflict') {
          throw new V2xError('CONFLICT', `idempotencyKey ${req.idempotencyKey} was used for another request (command ${d.commandId})`, {
            details: { idempotencyKey: req.idempotencyKey, commandId: d.commandId },
          });
        }
      }
      if (journal !== undefined && !journal.hasCapacity())
        throw new V2xError('KAFKA_UNAVAILABLE', `${journal.depth} command records wait for Kafka; try again later`, {
          details: { waiting: journal.depth },
        });
      const commandId = randomUUID();
      const s = await apply(commandId, {
        kind: 'create',
        commandId,
        vin: req.vin,
        type: req.type,
        params: req.params,
        ttlMs: req.ttlSeconds * 1000,
        principal: req.principal,
        ...(req.idempotencyKey === undefined ? {} : { idempotencyKey: req.idempotencyKey }),
        fingerprint: fp,
        carOnline: book.isOnline(req.vin),
        ...(req.causeTs === undefined ? {} : { causeTs: req.causeTs }),
      });
      return { snapshot: s!, replay: false };
    },
    get: (id) => book.get(id),
    async settled(id, timeoutMs, signal) {
      const s = book.get(id);
      if (s === undefined || isTerminal(s.status) || timeoutMs <= 0 || closed) return s;
      await waiters.wait(id, timeoutMs, signal);
      return book.get(id);
    },
    list: (vin, status) => book.forVin(vin, status),
    async cancel(commandId, principal) {
      if (book.get(commandId) === undefined) throw new V2xError('COMMAND_NOT_FOUND', commandId, { details: { commandId } });
      const s = await apply(commandId, { kind: 'cancel', principal });
      return s!;
    },
    isKnownVin: (vin) => config.acceptAnyVin || knownVins.has(vin) || book.isKnown(vin),
    close,
  };
}

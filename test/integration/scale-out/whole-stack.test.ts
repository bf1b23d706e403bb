/**
 * The whole stack compared with itself (issue 15): on a 3-node local Kafka, the shipped multi-process
 * stack (app/stack-processes.ts, as `v2x up` runs it) once with one instance of each service and once
 * with two of each (`--geofencing-instances 2 --traffic-instances 2 --commands-instances 2`), each on
 * a topic prefix of its own, fed the same scripted city (city-script.ts: 248 cars, jams on four roads,
 * three fences, two of them with actions that send commands) written to each one's telemetry topic,
 * and the same API commands (with idempotency keys; on the two-instance stack half of them through
 * the second command instance, and each one posted again on the other instance).
 * Cars that answer commands are real MQTT sessions on each stack's edge (test/helpers/responders.ts).
 *
 * Compared: the jam events (by v2x-event-id: jam id, type, time), the geofence events (by event id),
 * and the commands' outcomes (by idempotency key: command ids are random per stack; the fence
 * actions' keys are deterministic). None missing, none extra, all commands terminal, each executed
 * once by its car.
 */
import { test } from 'node:test';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import assert from 'node:assert/strict';
import { kafkaTopicName } from '../../../protocol/index.js';
import { networkSource } from '../../../app/network.js';
import { planForConfig, startStackProcesses, type StackProcesses } from '../../../app/stack-processes.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { repartitionTopic } from '../../../backend/services/traffic/repartition.js';
import { decodeSnapshot } from '../../../backend/services/commands/records.js';
import { LIFECYCLE_STATES, isTerminal, type CommandSnapshot } from '../../../backend/services/commands/types.js';
import { geofenceEventIdOf } from '../../../backend/services/geofencing/event-id.js';
import type { DeepReadonly } from '../../../core/config/load.js';
import type { Config } from '../../../app/config-schema.js';
import { ownKafka } from '../../helpers/kafka.js';
import { apiClient } from '../../helpers/api.js';
import { backendConfig, collect, type After } from '../../helpers/backend.js';
import { commandResponders, type Responders } from '../../helpers/responders.js';
import { waitFor } from '../../helpers/poll.js';
import { cityScript, SCRIPT_SECONDS } from './city-script.js';

const FENCE_CARS = 200;
const API_COMMANDS = 40;
/** Car time produced at once (see the feed below). */
const CHUNK_MS = 20_000;
const ADMIN = 'admin-token';
const TOKENS = `root:admin:${ADMIN}`;

interface ProcessHealth {
  readonly name: string;
  readonly health?: {
    readonly geofencing?: { readonly partitions?: readonly number[] };
    readonly traffic?: { readonly partitions?: readonly number[]; readonly watermarkMs?: number };
  };
}

interface Stack {
  readonly name: string;
  readonly config: DeepReadonly<Config>;
  readonly processes: StackProcesses;
  /** The REST API of each command service instance (the public one first). */
  readonly apis: readonly ReturnType<typeof apiClient>[];
  health(): Promise<readonly ProcessHealth[]>;
}

async function startStack(t: After, name: string, config: DeepReadonly<Config>): Promise<Stack> {
  const processes = await startStackProcesses(config, planForConfig(config), { redisUrl: '', logLevel: 'warn', logFormat: 'json' });
  t.after(() => processes.supervisor.stop());
  const commandInstances = processes.supervisor.processes.filter((p) => p.spec.name === 'services' || p.spec.name.startsWith('commands-'));
  return {
    name,
    config,
    processes,
    apis: commandInstances.map((p) => apiClient(`${p.current!.httpUrl}/api/v1`)),
    async health() {
      const h = (await processes.supervisor.health()) as { processes: ProcessHealth[] };
      return h.processes;
    },
  };
}

/**
 * Records not yet committed by the telemetry readers (geofencing, traffic's matching) and traffic's
 * segment stage: 0 when every input was handled and its outputs written (they are written before the
 * offsets commit). kafkajs's admin: the project's Admin interface has no group offsets.
 */
async function lagOf(admin: Admin, config: DeepReadonly<Config>, only?: 'matching'): Promise<Record<string, number>> {
  const prefix = config.bridge.topicPrefix;
  const telemetry = kafkaTopicName('telemetry', prefix);
  const groups: [string, string][] = [
    [`${prefix}${config.geofencing.groupId}`, telemetry],
    [`${prefix}${config.traffic.groupId}`, telemetry],
    [`${prefix}${config.traffic.groupId}-segments`, repartitionTopic(prefix, config.traffic.groupId)],
  ];
  const out: Record<string, number> = {};
  for (const [groupId, topic] of only === 'matching' ? groups.slice(1, 2) : groups) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0;
    for (const p of committed?.partitions ?? []) {
      const end = ends.get(p.partition) ?? 0;
      lag += Number(p.offset) < 0 ? end : Math.max(0, end - Number(p.offset));
    }
    out[groupId.slice(prefix.length)] = lag;
  }
  return out;
}

const started = Date.now();
/** A progress line on stderr (a long test: where it is when it hangs). */
const step = (what: string): void => void process.stderr.write(`[whole-stack] +${Math.round((Date.now() - started) / 1000)} s ${what}\n`);

const sum = (hs: readonly ProcessHealth[], pick: (h: ProcessHealth) => readonly number[] | undefined): number =>
  hs.reduce((n, h) => n + (pick(h)?.length ?? 0), 0);

test(
  'the whole stack with two instances of each service gives the same jams, geofence events and command outcomes as one of each',
  { timeout: 300_000 },
  async (t) => {
    const kafka3 = await ownKafka(t, { nodes: 3 });
    const flags = {
      'backend.roles': 'broker,bridge,commands,geofencing,traffic',
      'api.tokens': TOKENS,
      'commands.acceptAnyVin': true,
      'geofencing.fromBeginning': true,
      'traffic.fromBeginning': true,
      'traffic.idleAdvanceMs': 0,
      'traffic.latenessMs': 2 * CHUNK_MS,
      'bridge.maxClockSkewMs': 0,
      'stack.edges': 1,
      'stack.restartMaxMs': 1000,
    };
    // one after the other: two stacks creating their topics at once on a fresh cluster met brokers
    // whose metadata lagged ("This server does not host this topic-partition") at start
    const one = await startStack(t, 'one of each', backendConfig(kafka3.brokers, flags));
    const two = await startStack(
      t,
      'two of each',
      backendConfig(kafka3.brokers, {
        ...flags,
        'stack.instances.geofencing': 2,
        'stack.instances.traffic': 2,
        'stack.instances.commands': 2,
      }),
    );
    const stacks = [one, two] as const;
    step('both stacks started');
    assert.deepEqual(
      two.processes.supervisor.processes.map((p) => p.spec.name),
      ['edge-1', 'services', 'geofencing-2', 'traffic-2', 'commands-2'],
    );
    assert.equal(two.apis.length, 2);

    // every instance holds a share before any input: the partitions split in the two-instance stack
    for (const s of stacks)
      await waitFor(
        async () => {
          const hs = await s.health();
          const shared = s === two ? hs.filter((h) => (h.health?.geofencing?.partitions?.length ?? 0) > 0).length === 2 : true;
          return (
            shared &&
            sum(hs, (h) => h.health?.geofencing?.partitions) === s.config.bridge.topics.telemetryPartitions &&
            sum(hs, (h) => h.health?.traffic?.partitions) === s.config.bridge.topics.partitions &&
            (s === one || hs.filter((h) => (h.health?.traffic?.partitions?.length ?? 0) > 0).length === 2)
          );
        },
        { timeoutMs: 90_000, intervalMs: 500, what: `the partitions assigned in the stack with ${s.name}` },
      );

    step('partitions assigned');
    const t0 = Math.floor(Date.now() / 1000) * 1000 - (SCRIPT_SECONDS + 60) * 1000;
    const script = cityScript(networkSource(one.config.sim)(), { seed: 'whole-stack', fenceCars: FENCE_CARS, t0 });
    for (const s of stacks) {
      for (const f of script.fences) {
        const res = await s.apis[0]!('POST', '/fences', ADMIN, f.body);
        assert.equal(res.status, 201, `fence ${f.id} on ${s.name}: ${JSON.stringify(res.body)}`);
      }
    }
    // the second geofencing instance has read the fences too
    const geo2 = two.processes.supervisor.processes.find((p) => p.spec.name === 'geofencing-2')!.current!;
    const geo2Api = apiClient(`${geo2.httpUrl}/api/v1`);
    await waitFor(
      async () => (await Promise.all(script.fences.map((f) => geo2Api('GET', `/fences/${f.id}`, ADMIN)))).every((r) => r.status === 200),
      {
        timeoutMs: 30_000,
        what: 'the fences on geofencing-2',
      },
    );

    step('fences everywhere');
    // cars that answer: those crossing a fence with an action (the API commands go to them too)
    const answering = script.fences.filter((f) => f.action !== undefined).flatMap((f) => script.carsOfFence.get(f.id) ?? []);
    const responders: Responders[] = [];
    for (const s of stacks) responders.push(await commandResponders(t, s.processes.edgeUrls[0]!, answering, s.config.mqtt.fleetKey));

    step(`${answering.length} answering cars connected to each stack`);
    const watch = createKafkaClient({ brokers: kafka3.brokers, clientId: 'whole-stack' });
    const outputs = await Promise.all(
      stacks.map(async (s) => {
        const prefix = s.config.bridge.topicPrefix;
        const [jams, geofenceEvents, status] = await Promise.all(
          (['jams', 'geofenceEvents', 'commandStatus'] as const).map((topic) => collect(t, watch, kafkaTopicName(topic, prefix))),
        );
        return { jams: jams!, geofenceEvents: geofenceEvents!, status: status! };
      }),
    );

    // the same records, in the same order, to both stacks' telemetry topics; API commands meanwhile
    const admin = new Kafka({ brokers: kafka3.brokers, clientId: 'whole-stack-lag', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    t.after(() => admin.disconnect());
    const producer = await watch.producer({ idempotent: true });
    t.after(() => producer.close());
    const feeds = stacks.map((s) => script.records(s.config.bridge.topicPrefix));
    // In chunks of 20 s of car time, each read by both stacks' matching before the next: replayed at
    // full speed, two matching instances could run tens of seconds of car time apart, and fixes
    // arriving at a road's partition later than traffic.latenessMs miss their window (fed live, the
    // instances are milliseconds apart). The lateness covers a chunk.
    const produced = (async () => {
      const chunk = (r: { timestamp?: number }): number => Math.floor(((r.timestamp ?? t0) - t0) / CHUNK_MS);
      for (let c = 0, k = 0; k < feeds[0]!.length; c++) {
        let end = k;
        while (end < feeds[0]!.length && chunk(feeds[0]![end]!) <= c) end++;
        for (let i = k; i < end; i += 2000) {
          const to = Math.min(end, i + 2000);
          await producer.send([...feeds[0]!.slice(i, to), ...feeds[1]!.slice(i, to)]);
        }
        k = end;
        for (const s of stacks)
          await waitFor(async () => Object.values(await lagOf(admin, s.config, 'matching')).every((n) => n === 0), {
            timeoutMs: 60_000,
            intervalMs: 200,
            what: `chunk ${c} matched by the stack with ${s.name}`,
          });
      }
      step('script produced');
    })();
    const postApiCommands = async (s: Stack): Promise<void> => {
      const post = async (k: number): Promise<void> => {
        const vin = answering[(k * 7) % answering.length]!;
        const body = { type: k % 2 === 0 ? 'honk' : 'flash_lights', params: {}, ttlSeconds: 120, idempotencyKey: `api-${k}` };
        const first = await s.apis[k % s.apis.length]!('POST', `/vehicles/${vin}/commands`, ADMIN, body);
        assert.equal(first.status, 202, `api-${k} on ${s.name}: ${JSON.stringify(first.body)}`);
        // the same request again on the other instance (or the same one): the same command
        const again = await s.apis[(k + 1) % s.apis.length]!('POST', `/vehicles/${vin}/commands`, ADMIN, body);
        assert.equal(again.status, 200, `api-${k} posted again on ${s.name}`);
        assert.equal(again.body.commandId, first.body.commandId);
      };
      for (let k = 0; k < API_COMMANDS; k += 8) await Promise.all(Array.from({ length: 8 }, (_, j) => post(k + j)));
    };
    await Promise.all([produced, ...stacks.map(postApiCommands)]);
    step('API commands posted');
    t.diagnostic(`${feeds[0]!.length} telemetry records per stack, ${script.vins.length} cars, ${answering.length} answering`);

    // settled: every traffic instance through the script, every fence crossing out, every command terminal
    const commands = (i: number): Map<string, CommandSnapshot> => {
      const latest = new Map<string, CommandSnapshot>();
      for (const r of outputs[i]!.status.records) {
        const s = decodeSnapshot(r.value);
        if (s === undefined) continue;
        const before = latest.get(s.commandId);
        if (before === undefined || LIFECYCLE_STATES.indexOf(s.status) >= LIFECYCLE_STATES.indexOf(before.status))
          latest.set(s.commandId, s);
      }
      return latest;
    };
    const expectedCommands = script.expectedActionCommands + API_COMMANDS;
    const ids = (records: readonly { headers: Readonly<Record<string, string>> }[]): Set<string> =>
      new Set(records.map((r) => r.headers['v2x-event-id'] ?? ''));
    for (const [i, s] of stacks.entries()) {
      let state = '';
      await waitFor(
        async () => {
          const lag = await lagOf(admin, s.config);
          const events = new Set(outputs[i]!.geofenceEvents.records.map((r) => geofenceEventIdOf(r) ?? '')).size;
          const all = [...commands(i).values()];
          const done = all.filter((c) => isTerminal(c.status)).length;
          state = `lag ${JSON.stringify(lag)}; geofence events ${events} of ${script.expectedGeofenceEvents}; commands terminal ${done} of ${expectedCommands} (${all.length} seen)`;
          return Object.values(lag).every((n) => n === 0) && events >= script.expectedGeofenceEvents && done >= expectedCommands;
        },
        { timeoutMs: 120_000, intervalMs: 500, what: `the stack with ${s.name} through the script` },
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}: ${state}`);
      });
    }
    step('both stacks through the script');
    // geofence events
    const events = outputs.map((o) => new Set(o.geofenceEvents.records.map((r) => geofenceEventIdOf(r) ?? '')));
    assert.equal(events[0]!.size, script.expectedGeofenceEvents);
    assert.deepEqual([...events[1]!].sort(), [...events[0]!].sort(), 'the same geofence events');

    // command outcomes, by idempotency key
    const outcomes = [0, 1].map(
      (i) => new Map([...commands(i).values()].map((c) => [c.idempotencyKey ?? `no key ${c.commandId}`, `${c.vin} ${c.type} ${c.status}`])),
    );
    assert.equal(outcomes[0]!.size, expectedCommands, 'one command per action and API request');
    assert.ok(
      [...outcomes[0]!.values()].every((o) => o.endsWith(' SUCCEEDED')),
      'every command succeeded',
    );
    assert.deepEqual([...outcomes[1]!].sort(), [...outcomes[0]!].sort(), 'the same command outcomes');
    for (const [i, r] of responders.entries()) {
      const executed = [...r.executed.values()].flat();
      assert.equal(executed.length, expectedCommands, `${stacks[i]!.name}: every command executed by its car`);
      assert.equal(new Set(executed).size, executed.length, `${stacks[i]!.name}: no command executed twice`);
    }
    // jams
    const [jamsOne, jamsTwo] = [ids(outputs[0]!.jams.records), ids(outputs[1]!.jams.records)];
    const types = [...jamsOne].map((id) => id.split('/')[1]);
    assert.ok(types.filter((x) => x === 'jam_started').length >= 3 && types.includes('jam_cleared'), `jams: ${[...jamsOne].join(' ')}`);
    assert.deepEqual(
      [...jamsTwo].filter((id) => !jamsOne.has(id)),
      [...jamsOne].filter((id) => !jamsTwo.has(id)),
      `the same jam events (two of each: extra left, missing right; of ${jamsOne.size})`,
    );

    t.diagnostic(
      `jam events ${jamsOne.size}, geofence events ${events[0]!.size} (records: ${outputs.map((o) => o.geofenceEvents.records.length).join(' / ')}), ` +
        `commands ${expectedCommands}; repeated requests at the cars ${responders.map((r) => r.repeats()).join(' / ')}`,
    );
  },
);

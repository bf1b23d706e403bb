/**
 * What the soak reads from Kafka: every telemetry record and car command result into the books
 * (ledger.ts), counts of the services' outputs (jams, geofence events, command requests, dead
 * letters), and the services' consumer lag (committed offsets of every consumer group of the run's
 * topic prefix against the topics' ends, through kafkajs's admin: the project's Admin interface has
 * no group offsets).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { createKafkaClient, type InRecord } from '../../backend/kafka/index.js';
import { kafkaTopicName, tryDecodeCommandResult, tryDecodeTelemetry } from '../../protocol/index.js';
import { CommandLedger, TelemetryLedger } from './ledger.js';

export interface KafkaCounts {
  readonly jams: number;
  readonly geofenceEvents: number;
  readonly commandRequests: number;
  readonly deadletters: number;
  /** Telemetry records the soak could not decode (they go to the dead-letter topic too). */
  readonly undecodable: number;
}

export interface SoakWatch {
  readonly telemetry: TelemetryLedger;
  readonly commands: CommandLedger;
  counts(): KafkaCounts;
  /** Telemetry records read so far (with duplicates). */
  records(): number;
  /** Records behind the end, summed over the partitions, per consumer group of the prefix. */
  groupLag(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startSoakWatch(brokers: readonly string[], prefix: string): Promise<SoakWatch> {
  const telemetry = new TelemetryLedger();
  const commands = new CommandLedger();
  const t = {
    telemetry: kafkaTopicName('telemetry', prefix),
    results: kafkaTopicName('commandResults', prefix),
    jams: kafkaTopicName('jams', prefix),
    geofenceEvents: kafkaTopicName('geofenceEvents', prefix),
    commands: kafkaTopicName('commands', prefix),
    deadletter: kafkaTopicName('deadletter', prefix),
  };
  const counts = { jams: 0, geofenceEvents: 0, commandRequests: 0, deadletters: 0, undecodable: 0 };
  let records = 0;
  const client = createKafkaClient({ brokers, clientId: 'soak-watch' });
  const consumer = await client.consumer({
    groupId: `soak-watch-${randomUUID()}`,
    topics: Object.values(t),
    fromBeginning: true,
    fetch: { minBytes: 256 * 1024, maxWaitMs: 200 },
  });
  const onRecords = async (batch: readonly InRecord[]): Promise<void> => {
    for (const r of batch) {
      if (r.topic === t.telemetry) {
        records++;
        const d = r.value === null ? undefined : tryDecodeTelemetry(r.value);
        if (d?.ok === true) telemetry.add(d.value.vin, d.value.seq);
        else counts.undecodable++;
      } else if (r.topic === t.results) {
        const d = r.value === null ? undefined : tryDecodeCommandResult(r.value);
        if (d?.ok === true) commands.add(d.value);
      } else if (r.topic === t.jams) counts.jams++;
      else if (r.topic === t.geofenceEvents) counts.geofenceEvents++;
      else if (r.topic === t.commands) counts.commandRequests++;
      else if (r.topic === t.deadletter) counts.deadletters++;
    }
  };
  await consumer.start(onRecords);

  const kafka = new Kafka({ brokers: [...brokers], clientId: 'soak-lag', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const watchGroup = /^soak-watch-/;
  return {
    telemetry,
    commands,
    counts: () => ({ ...counts }),
    records: () => records,
    async groupLag() {
      const out: Record<string, number> = {};
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix) && !watchGroup.test(g));
      const ends = new Map<string, Map<number, number>>();
      const endsOf = async (topic: string): Promise<Map<number, number>> => {
        let e = ends.get(topic);
        if (e === undefined) {
          e = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
          ends.set(topic, e);
        }
        return e;
      };
      for (const groupId of groups.sort()) {
        let lag = 0;
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          const e = await endsOf(topic);
          for (const p of partitions) {
            const committed = Number(p.offset);
            if (committed >= 0) lag += Math.max(0, (e.get(p.partition) ?? 0) - committed);
          }
        }
        // a group per process start carries a random id (the commands service's rebuild...): summed under its name
        const name = groupId.slice(prefix.length).replace(/-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '-*');
        out[name] = (out[name] ?? 0) + lag;
      }
      return out;
    },
    async close() {
      await consumer.close();
      await admin.disconnect();
    },
  };
}

/**
 * docker-compose.yml, read as data (no Docker engine here): a 3-node KRaft Kafka and Redis with
 * health checks, the project's topics created with replication 3 before any v2x process starts,
 * two or more of each backend role, and every v2x service's settings accepted by v2x's own config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KAFKA_TOPICS, type KafkaTopicSpec } from '../../../protocol/kafka.js';
import { repoPath } from '../../helpers/repo.js';
import { backendConfig, simSettings } from './manifests.js';

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly environment?: Record<string, string | number>;
  readonly healthcheck?: { readonly test?: readonly string[]; readonly disable?: boolean };
  readonly depends_on?: Record<string, { readonly condition: string }>;
  readonly deploy?: { readonly replicas?: number };
  readonly volumes?: readonly string[];
  readonly profiles?: readonly string[];
}

const compose = parse(readFileSync(repoPath('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const configYaml = readFileSync(repoPath('infra', 'docker', 'v2x.yaml'), 'utf8');
const env = (s: Service): Record<string, string> => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const v2xServices = Object.entries(services).filter(([, s]) => s.image === 'v2x-fleet:local' && s.command?.[0] === 'backend');
const byRole = (roles: string): [string, Service][] => v2xServices.filter(([, s]) => env(s).V2X_BACKEND__ROLES === roles);
const instances = (list: [string, Service][]): number => list.reduce((n, [, s]) => n + (s.deploy?.replicas ?? 1), 0);

test('a 3-node Kafka in KRaft mode, replication 3 and min ISR 2, with health checks', () => {
  const kafka = Object.entries(services).filter(([, s]) => s.image?.startsWith('apache/kafka') === true && s.environment?.KAFKA_NODE_ID);
  assert.equal(kafka.length, 3);
  const ids = kafka.map(([, s]) => Number(s.environment?.KAFKA_NODE_ID)).sort();
  assert.deepEqual(ids, [1, 2, 3]);
  for (const [name, s] of kafka) {
    const e = env(s);
    assert.equal(e.KAFKA_PROCESS_ROLES, 'broker,controller', name);
    assert.equal(e.KAFKA_CONTROLLER_QUORUM_VOTERS?.split(',').length, 3, name);
    assert.equal(e.KAFKA_DEFAULT_REPLICATION_FACTOR, '3');
    assert.equal(e.KAFKA_MIN_INSYNC_REPLICAS, '2');
    assert.ok(s.healthcheck?.test !== undefined, `${name}: a health check`);
  }
  const clusterIds = new Set(kafka.map(([, s]) => String(s.environment?.CLUSTER_ID)));
  assert.equal(clusterIds.size, 1, 'one cluster id');
  assert.equal(Buffer.from([...clusterIds][0] ?? '', 'base64url').length, 16, 'the cluster id is a UUID in base64');
  assert.ok(services.redis?.healthcheck?.test !== undefined, 'redis: a health check');
});

test("the topic step creates protocol/kafka.ts's topics, replicated 3, before any v2x process starts", () => {
  const script = readFileSync(repoPath('infra', 'docker', 'kafka-topics.sh'), 'utf8');
  assert.match(script, /--replication-factor 3/);
  assert.match(script, /min\.insync\.replicas=2/);
  const list = /<<'TOPICS'\n([\s\S]*?)\nTOPICS/.exec(script)?.[1];
  assert.ok(list !== undefined, 'the TOPICS list');
  const rows = list.split('\n').map((l) => l.trim().split(/\s+/));
  const specs = Object.values(KAFKA_TOPICS) as KafkaTopicSpec[];
  assert.deepEqual(rows.map((r) => r[0]).sort(), specs.map((s) => s.name).sort());
  for (const spec of specs) {
    const [, partitions, policy, retention] = rows.find((r) => r[0] === spec.name) as string[];
    assert.ok(Number(partitions) >= Math.max(6, spec.partitions), `${spec.name}: partitions`);
    assert.equal(policy, spec.cleanupPolicy, `${spec.name}: cleanup policy`);
    assert.equal(retention, spec.retentionMs === undefined ? '-' : String(spec.retentionMs), `${spec.name}: retention`);
  }
  for (const [name, s] of v2xServices) {
    const waits = Object.entries(s.depends_on ?? {});
    assert.ok(
      waits.some(([dep, c]) => dep === 'kafka-topics' && c.condition === 'service_completed_successfully'),
      `${name} waits for the topics`,
    );
  }
});

test('two or more instances of each role, and each command service reaches every edge', () => {
  const edges = byRole('broker,bridge');
  assert.ok(edges.length >= 2, 'edges');
  for (const roles of ['bridge,commands', 'geofencing', 'traffic', 'dashboard']) assert.ok(instances(byRole(roles)) >= 2, roles);
  const commands = byRole('bridge,commands');
  const edgeUrls = edges.map(([name]) => `mqtt://${name}:1883`).sort();
  for (const [name, s] of commands) assert.deepEqual(env(s).V2X_BRIDGE__BROKER_URL?.split(',').sort(), edgeUrls, name);
  const clientIds = commands.map(([, s]) => env(s).V2X_BRIDGE__CLIENT_ID);
  assert.equal(new Set(clientIds).size, commands.length, 'each command service its own MQTT client id');
  for (const [name, s] of edges) {
    assert.equal(s.entrypoint?.[0], 'node', `${name}: the edge GC flags on node's command line`);
    assert.ok(s.entrypoint?.includes('--single-threaded-gc'));
  }
});

test("every v2x service's settings are accepted by v2x (config schema and role checks)", () => {
  for (const [name, s] of v2xServices) {
    assert.ok(s.volumes?.includes('./infra/docker/v2x.yaml:/etc/v2x/config.yaml:ro'), `${name}: the config file`);
    const config = backendConfig(env(s), configYaml);
    assert.deepEqual(config.kafka.brokers, ['kafka-1:19092', 'kafka-2:19092', 'kafka-3:19092'], name);
  }
  const sim = services.sim;
  assert.ok(sim?.command !== undefined && sim.healthcheck?.disable === true, 'the simulator has no HTTP health check');
  const args = sim.command.map((a) => a.replace(/\$\{V2X_CARS:-(\d+)\}/, '$1'));
  const settings = simSettings(args, env(sim), configYaml);
  assert.equal(settings.fleetKey, backendConfig(env(byRole('broker,bridge')[0]?.[1] ?? {}), configYaml).mqtt.fleetKey);
});

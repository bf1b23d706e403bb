/**
 * The Helm chart (infra/helm/v2x-fleet), rendered with helm for each values file with every
 * optional part on, and asserted on: probes on /health, resources and scrape annotations on every
 * workload, the edges as a StatefulSet behind a LoadBalancer, the simulator as an Indexed Job, the
 * Strimzi topics as protocol/kafka.ts has them (replicated 3, min ISR 2, >= 6 partitions), and
 * every container's settings accepted by v2x's own config. Without helm the test is skipped with
 * the reason, except in CI (CI=true), where .ci/run builds helm first and a missing one fails.
 */
import { test } from 'node:test';

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { EDGE_NODE_OPTIONS } from '../../../app/layout.js';
import { KAFKA_TOPICS, type KafkaTopicSpec } from '../../../protocol/kafka.js';
import { repoPath } from '../../helpers/repo.js';
import {
  backendConfig,
  expand,
  findHelm,
  literalEnv,
  podTemplate,
  renderChart,
  simSettings,
  type Container,
  type K8sObject,
} from './manifests.js';

const CHART = repoPath('infra', 'helm', 'v2x-fleet');
const VALUES = readdirSync(CHART)
  .filter((f) => /^values.*\.yaml$/.test(f))
  .sort();
const ALL_ON = ['--set', 'simulator.enabled=true', '--set', 'ingress.enabled=true'];
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

const helm = findHelm(process.env.PATH ?? '');
const skip =
  helm === undefined && process.env.CI !== 'true'
    ? 'helm not found (PATH or $(go env GOPATH)/bin): run scripts/helm-check.sh --install to build it'
    : false;

function helmBin(): string {
  assert.ok(helm !== undefined, 'helm is not installed: .ci/run builds it (scripts/helm-check.sh --install) before the tests');
  return helm;
}

/** A values file that is no demo (config.demo false) must bring credentials: the chart refuses the demo key. */
const OWN_CREDENTIALS = [
  '--set',
  'config.fleetKey=check-only-fleet-key',
  '--set',
  'config.downlink.password=check-only-password',
  '--set',
  'config.apiTokens={ops:admin:check-only-token}',
];

function render(values: string): K8sObject[] {
  const file = values === 'values.yaml' ? [] : ['-f', `${CHART}/${values}`];
  const demo = !readFileSync(`${CHART}/${values}`, 'utf8').includes('\n  demo: false');
  return renderChart(helmBin(), CHART, [...file, ...ALL_ON, ...(demo ? [] : OWN_CREDENTIALS)]);
}

const one = (objs: K8sObject[], kind: string, pred: (o: K8sObject) => boolean = () => true): K8sObject => {
  const found = objs.filter((o) => o.kind === kind && pred(o));
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.map((o) => o.metadata.name).join(', ') || 'none'}`);
  return found[0] as K8sObject;
};
const component = (o: K8sObject): string | undefined => podTemplate(o).metadata?.labels?.['app.kubernetes.io/component'];
const onlyContainer = (o: K8sObject): Container => {
  const cs = podTemplate(o).spec.containers;
  assert.equal(cs.length, 1, `${o.metadata.name}: one container`);
  return cs[0] as Container;
};
const configYaml = (objs: K8sObject[]): string => {
  const text = one(objs, 'Secret').stringData?.['config.yaml'];
  assert.ok(text !== undefined, 'the config Secret holds config.yaml');
  return text;
};
const backendWorkloads = (objs: K8sObject[]): K8sObject[] =>
  objs.filter((o) => WORKLOADS.has(o.kind) && onlyContainer(o).args?.includes('backend') === true);

for (const values of VALUES) {
  test(`${values}: every workload has resource requests and limits on each container`, { skip }, () => {
    const objs = render(values);
    const workloads = objs.filter((o) => WORKLOADS.has(o.kind));
    assert.ok(workloads.length >= 7, `workloads: ${workloads.map((o) => o.metadata.name).join(', ')}`);
    for (const w of workloads) {
      const spec = podTemplate(w).spec;
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const kind of ['requests', 'limits'] as const) {
          const r = c.resources?.[kind];
          assert.ok(r?.cpu !== undefined && r.memory !== undefined, `${w.kind} ${w.metadata.name}/${c.name}: ${kind} cpu and memory`);
        }
      }
    }
    for (const pool of objs.filter((o) => o.kind === 'KafkaNodePool')) {
      const r = pool.spec?.resources as { requests?: Record<string, unknown> } | undefined;
      assert.ok(r?.requests?.cpu !== undefined && r.requests.memory !== undefined, `KafkaNodePool ${pool.metadata.name}: requests`);
    }
  });

  test(`${values}: every backend process has probes on /health and Prometheus scrape annotations`, { skip }, () => {
    const objs = render(values);
    const backends = backendWorkloads(objs);
    const names = backends.map(component).sort();
    assert.deepEqual(names, ['commands', 'dashboard', 'edge', 'geofencing', 'traffic']);
    for (const w of backends) {
      const c = onlyContainer(w);
      const http = c.ports?.find((p) => p.name === 'http');
      assert.ok(http !== undefined, `${w.metadata.name}: an http port`);
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        assert.deepEqual(c[probe]?.httpGet, { path: '/health', port: 'http' }, `${w.metadata.name}: ${probe}`);
      }
      const a = podTemplate(w).metadata?.annotations ?? {};
      assert.equal(a['prometheus.io/scrape'], 'true', `${w.metadata.name}: scrape`);
      assert.equal(a['prometheus.io/path'], '/metrics');
      assert.equal(a['prometheus.io/port'], String(http.containerPort), `${w.metadata.name}: the scraped port is the HTTP port`);
      assert.equal(literalEnv(c, { 'metadata.name': 'pod-0' }).V2X_BACKEND__HTTP_PORT, String(http.containerPort));
    }
    const redis = onlyContainer(one(objs, 'StatefulSet', (o) => component(o) === 'redis'));
    assert.ok(redis.readinessProbe?.exec !== undefined && redis.livenessProbe?.exec !== undefined, 'redis: probes');
  });

  test(`${values}: the edges are a StatefulSet (broker+bridge, edge GC flags) behind a LoadBalancer Service`, { skip }, () => {
    const objs = render(values);
    const edges = one(objs, 'StatefulSet', (o) => component(o) === 'edge');
    const c = onlyContainer(edges);
    const env = literalEnv(c);
    assert.equal(env.V2X_BACKEND__ROLES, 'broker,bridge');
    assert.equal(env.V2X_BRIDGE__COMMANDS, 'false', 'commands reach the cars through the command services');
    assert.deepEqual(c.command, ['node', ...EDGE_NODE_OPTIONS, '/app/bin/v2x.js'], 'the edge GC flags of app/layout.ts');
    const podLabels = podTemplate(edges).metadata?.labels ?? {};
    const selects = (s: K8sObject): boolean =>
      Object.entries((s.spec?.selector ?? {}) as Record<string, string>).every(([k, v]) => podLabels[k] === v);
    const lb = one(objs, 'Service', (s) => s.spec?.type === 'LoadBalancer');
    assert.ok(selects(lb), 'the LoadBalancer selects the edge pods');
    const mqttPort = c.ports?.find((p) => p.name === 'mqtt')?.containerPort;
    const ports = lb.spec?.ports as { port: number; targetPort: string }[];
    assert.ok(
      ports.some((p) => p.port === mqttPort && p.targetPort === 'mqtt'),
      'the LoadBalancer exposes MQTT',
    );
    const headless = one(objs, 'Service', (s) => s.metadata.name === edges.spec?.serviceName);
    assert.equal(headless.spec?.clusterIP, 'None');
    assert.ok(selects(headless));

    // the command services' downlink: one MQTT session per edge, by its stable name
    const commands = one(objs, 'Deployment', (o) => component(o) === 'commands');
    const cenv = literalEnv(onlyContainer(commands), { 'metadata.name': 'v2x-commands-abc' });
    const urls = (cenv.V2X_BRIDGE__BROKER_URL ?? '').split(',');
    const replicas = Number(edges.spec?.replicas);
    assert.equal(urls.length, replicas);
    urls.forEach((u, i) => assert.equal(u, `mqtt://${edges.metadata.name}-${i}.${headless.metadata.name}.v2x.svc:${mqttPort}`));
    assert.equal(cenv.V2X_BRIDGE__CLIENT_ID, 'v2x-commands-abc', 'each replica its own MQTT client id');
  });

  test(`${values}: the simulator is an Indexed Job, one --shard i/n per pod`, { skip }, () => {
    const objs = render(values);
    const job = one(objs, 'Job');
    assert.equal(job.spec?.completionMode, 'Indexed');
    const n = Number(job.spec?.completions);
    assert.ok(n >= 1);
    assert.equal(job.spec?.parallelism, n);
    const c = onlyContainer(job);
    const shardIndex = c.env?.find((e) => e.name === 'SHARD_INDEX');
    assert.equal(shardIndex?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
    const config = configYaml(objs);
    const cars = new Set<number>();
    for (const i of new Set([0, n - 1])) {
      const env = literalEnv(c, { [shardIndex.valueFrom.fieldRef.fieldPath]: String(i) });
      const settings = simSettings(
        (c.args ?? []).map((a) => expand(a, env)),
        env,
        config,
      );
      assert.deepEqual(settings.shard, { index: i, count: n });
      cars.add(settings.cars);
      assert.equal(
        settings.fleetKey,
        backendConfig(literalEnv(onlyContainer(one(objs, 'StatefulSet', (o) => component(o) === 'edge'))), config).mqtt.fleetKey,
      );
    }
    const [total] = [...cars];
    assert.ok(total !== undefined && total / n <= 5000, `at most 5,000 cars per simulator pod (${total} over ${n})`);
  });

  test(
    `${values}: Kafka through Strimzi in KRaft mode, with the project's topics replicated 3, min ISR 2, >= 6 partitions`,
    { skip },
    () => {
      const objs = render(values);
      const kafka = one(objs, 'Kafka');
      const pools = objs.filter((o) => o.kind === 'KafkaNodePool');
      const count = (role: string): number =>
        pools.filter((p) => (p.spec?.roles as string[]).includes(role)).reduce((s, p) => s + Number(p.spec?.replicas), 0);
      assert.ok(count('controller') >= 3 && count('controller') % 2 === 1, 'a KRaft quorum of 3 or more (odd)');
      assert.ok(count('broker') >= 3, 'replication 3 needs 3 brokers');
      for (const o of [...pools, ...objs.filter((x) => x.kind === 'KafkaTopic')]) {
        assert.equal(o.metadata.labels?.['strimzi.io/cluster'], kafka.metadata.name, `${o.kind} ${o.metadata.name}: its cluster`);
      }
      const topics = objs.filter((o) => o.kind === 'KafkaTopic');
      const specs = Object.values(KAFKA_TOPICS) as KafkaTopicSpec[];
      assert.deepEqual(topics.map((t) => t.spec?.topicName).sort(), specs.map((s) => s.name).sort(), 'the topics of protocol/kafka.ts');
      for (const spec of specs) {
        const t = one(topics, 'KafkaTopic', (o) => o.spec?.topicName === spec.name);
        const partitions = Number(t.spec?.partitions);
        assert.ok(partitions >= 6 && partitions >= spec.partitions, `${spec.name}: ${partitions} partitions`);
        assert.equal(t.spec?.replicas, 3, `${spec.name}: replicas`);
        const cfg = t.spec?.config as Record<string, string | number>;
        assert.equal(cfg['min.insync.replicas'], 2, `${spec.name}: min ISR`);
        assert.equal(cfg['cleanup.policy'], spec.cleanupPolicy, `${spec.name}: cleanup policy`);
        if (spec.retentionMs === undefined) assert.equal(cfg['retention.ms'], undefined, `${spec.name}: no retention (compacted)`);
        else if (values === 'values.yaml') assert.equal(cfg['retention.ms'], spec.retentionMs, `${spec.name}: retention`);
        else assert.ok(Number(cfg['retention.ms']) > 0, `${spec.name}: a retention`);
      }
      const brokers = `${kafka.metadata.name}-kafka-bootstrap.v2x.svc:9092`;
      for (const w of backendWorkloads(objs)) {
        assert.equal(literalEnv(onlyContainer(w), { 'metadata.name': 'p' }).KAFKA_BROKERS, brokers);
        // v2x would create a missing topic with replication 1: every process waits for all of them
        const wait = podTemplate(w).spec.initContainers?.find((c) => c.name === 'wait-for-topics');
        assert.ok(wait !== undefined, `${w.metadata.name}: waits for the topics`);
        const wenv = literalEnv(wait);
        assert.equal(wenv.KAFKA_BROKERS, brokers);
        assert.deepEqual(wenv.WANT?.split(' ').sort(), specs.map((s) => s.name).sort(), `${w.metadata.name}: every topic`);
      }
    },
  );

  test(`${values}: every backend container's settings are accepted by v2x (config schema and role checks)`, { skip }, () => {
    const objs = render(values);
    const config = configYaml(objs);
    for (const w of backendWorkloads(objs)) {
      const env = literalEnv(onlyContainer(w), { 'metadata.name': `${w.metadata.name}-0` });
      const loaded = backendConfig(env, config);
      assert.ok(loaded.backend.roles.length > 0, w.metadata.name);
      if (loaded.backend.roles.includes('commands')) {
        // the downlink's account on the edges is the one the edges let in
        assert.ok(loaded.mqtt.services.some((s) => s.username === loaded.bridge.username && s.password === loaded.bridge.password));
      }
    }
  });
}

test('values-100k.yaml: sized for 100,000 cars at 5,000 cars per edge', { skip }, () => {
  const objs = render('values-100k.yaml');
  const edges = one(objs, 'StatefulSet', (o) => component(o) === 'edge');
  const job = one(objs, 'Job');
  const c = onlyContainer(job);
  const env = literalEnv(c, { "metadata.annotations['batch.kubernetes.io/job-completion-index']": '0' });
  const settings = simSettings(
    (c.args ?? []).map((a) => expand(a, env)),
    env,
    configYaml(objs),
  );
  assert.equal(settings.cars, 100_000);
  assert.ok(settings.cars / Number(edges.spec?.replicas) <= 5000, 'at most 5,000 cars per edge (docs in values-100k.yaml)');
  const telemetry = one(objs, 'KafkaTopic', (o) => o.spec?.topicName === 'telemetry');
  assert.ok(Number(telemetry.spec?.partitions) >= 24);
});

test('bad values are refused by the chart, naming the value', { skip }, () => {
  assert.throws(() => renderChart(helmBin(), CHART, ['--set', 'edge.replicas=0']), /\/edge\/replicas/);
  assert.throws(() => renderChart(helmBin(), CHART, ['--set', 'simulator.codec=xml']), /\/simulator\/codec/);
  assert.throws(() => renderChart(helmBin(), CHART, ['--set', 'services.traffic.roles={trafic}']), /\/services\/traffic\/roles/);
});

test('the chart passes --demo only with the demo credentials, and refuses the demo key otherwise', { skip }, () => {
  const args = (objs: K8sObject[]): string[][] =>
    objs
      .filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')
      .flatMap((o) => (o.spec?.template as { spec: { containers: { args?: string[] }[] } }).spec.containers.map((c) => c.args ?? []))
      .filter((a) => a[0] === 'backend');
  const demo = args(render('values.yaml'));
  assert.ok(demo.length > 0 && demo.every((a) => a.includes('--demo')), 'the small values run the demo credentials with --demo');
  const own = args(render('values-100k.yaml'));
  assert.ok(own.length > 0 && own.every((a) => !a.includes('--demo')), 'values-100k: no --demo');
  assert.throws(() => renderChart(helmBin(), CHART, ['-f', `${CHART}/values-100k.yaml`]), /public demo key while config.demo is false/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapServers,
  newClusterId,
  parseProperties,
  quorumVoters,
  renderLogConfig,
  renderServerProperties,
  type ClusterSpec,
} from '../../../infra/kafka/properties.js';
import { kafkaArtifacts, renderPom } from '../../../infra/kafka/artifacts.js';

const one: ClusterSpec = {
  version: '4.4.0',
  nodes: [{ nodeId: 1, brokerPort: 19092, controllerPort: 19093, logDir: '/data/v2x kafka/node-1' }],
};
const three: ClusterSpec = {
  version: '4.4.0',
  nodes: [1, 2, 3].map((id) => ({ nodeId: id, brokerPort: 20000 + id, controllerPort: 21000 + id, logDir: `/d/node-${id}` })),
};

test('single node: combined roles, one static voter, replication factor 1 everywhere', () => {
  const p = parseProperties(renderServerProperties(one, 0));
  assert.equal(p.get('process.roles'), 'broker,controller');
  assert.equal(p.get('node.id'), '1');
  assert.equal(p.get('controller.quorum.voters'), '1@127.0.0.1:19093');
  assert.equal(p.get('listeners'), 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
  assert.equal(p.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:19092');
  assert.equal(p.get('controller.listener.names'), 'CONTROLLER');
  assert.equal(p.get('log.dirs'), '/data/v2x kafka/node-1');
  for (const key of [
    'default.replication.factor',
    'offsets.topic.replication.factor',
    'transaction.state.log.replication.factor',
    'transaction.state.log.min.isr',
    'share.coordinator.state.topic.replication.factor',
    'share.coordinator.state.topic.min.isr',
    'min.insync.replicas',
  ]) {
    assert.equal(p.get(key), '1', key);
  }
  assert.equal(p.get('group.initial.rebalance.delay.ms'), '0');
});

test('three nodes: same voters on each, own listeners, 3 replicas with min.insync 2', () => {
  const voters = '1@127.0.0.1:21001,2@127.0.0.1:21002,3@127.0.0.1:21003';
  assert.equal(quorumVoters(three), voters);
  assert.deepEqual(bootstrapServers(three), ['127.0.0.1:20001', '127.0.0.1:20002', '127.0.0.1:20003']);
  for (let i = 0; i < 3; i++) {
    const p = parseProperties(renderServerProperties(three, i));
    assert.equal(p.get('node.id'), String(i + 1));
    assert.equal(p.get('controller.quorum.voters'), voters);
    assert.equal(p.get('listeners'), `PLAINTEXT://127.0.0.1:${20001 + i},CONTROLLER://127.0.0.1:${21001 + i}`);
    assert.equal(p.get('log.dirs'), `/d/node-${i + 1}`);
    assert.equal(p.get('offsets.topic.replication.factor'), '3');
    assert.equal(p.get('min.insync.replicas'), '2');
    assert.equal(p.get('transaction.state.log.min.isr'), '2');
  }
  assert.throws(() => renderServerProperties(three, 3), RangeError);
});

test('3.x gets no share-coordinator keys (4.x only)', () => {
  const p = parseProperties(renderServerProperties({ ...one, version: '3.9.1' }, 0));
  assert.equal(p.has('share.coordinator.state.topic.replication.factor'), false);
});

test('a backslash in a path is escaped for the properties format', () => {
  const text = renderServerProperties({ ...one, nodes: [{ ...one.nodes[0]!, logDir: 'C:\\kafka\\data' }] }, 0);
  assert.match(text, /^log\.dirs=C:\\\\kafka\\\\data$/m);
  assert.equal(parseProperties(text).get('log.dirs'), 'C:\\kafka\\data');
});

test('cluster ids look like kafka-storage random-uuid output and never start with "-"', () => {
  for (let i = 0; i < 200; i++) assert.match(newClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  let calls = 0;
  const id = newClusterId((n) => (calls++ === 0 ? Buffer.from([0xfb, ...Array<number>(n - 1).fill(1)]) : Buffer.alloc(n, 7)));
  assert.equal(calls, 2, 'an id starting with "-" is drawn again');
  assert.ok(!id.startsWith('-'));
});

test('logging: log4j2 for 4.x (server INFO to stdout, tools WARN to stderr), reload4j for 3.x', () => {
  assert.equal(kafkaArtifacts('4.4.0').logging, 'log4j2');
  assert.match(renderLogConfig('log4j2', 'server'), /target = SYSTEM_OUT[\s\S]*rootLogger.level = INFO/);
  assert.match(renderLogConfig('log4j2', 'tool'), /target = SYSTEM_ERR[\s\S]*rootLogger.level = WARN/);
  assert.equal(kafkaArtifacts('3.9.1').logging, 'reload4j');
  assert.match(renderLogConfig('reload4j', 'server'), /^log4j.rootLogger=INFO, out$/m);
});

test('the pom pins the SLF4J 1.x binding to the log4j version Kafka 4.4.0 pulls', () => {
  const pom = renderPom('4.4.0');
  assert.match(pom, /<artifactId>kafka_2\.13<\/artifactId>\s*<version>4\.4\.0<\/version>/);
  assert.match(pom, /<artifactId>log4j-slf4j-impl<\/artifactId>\s*<version>2\.25\.5<\/version>/);
  assert.match(pom, /<artifactId>log4j-core<\/artifactId>\s*<version>2\.25\.5<\/version>/);
  assert.doesNotMatch(pom, /slf4j2-impl/);
  assert.match(renderPom('3.9.1'), /<artifactId>slf4j-reload4j<\/artifactId>/);
});

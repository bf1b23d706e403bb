import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isV2xError } from '../../../core/errors.js';
import { minJavaFor, parseJavaMajor, requireJava } from '../../../infra/kafka/prereqs.js';
import { testConfig } from '../../helpers/kafka.js';

test('java versions: 17+ for Kafka 4.x, 8+ for 3.x; both version styles parse', () => {
  assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8);
  assert.equal(parseJavaMajor('openjdk version "25" 2025-09-16'), 25);
  assert.equal(parseJavaMajor('nonsense'), undefined);
  assert.equal(minJavaFor('4.4.0'), 17);
  assert.equal(minJavaFor('3.9.1'), 8);
});

test('a missing java is PREREQ_MISSING saying what to install and the two ways around it', () => {
  const cfg = testConfig({ 'kafka.javaHome': '/nonexistent/jdk' }).kafka;
  assert.throws(
    () => requireJava(cfg),
    (err: unknown) => {
      assert.ok(isV2xError(err, 'PREREQ_MISSING'));
      assert.match(err.message, /\/nonexistent\/jdk\/bin\/java/);
      assert.match(err.message, /Java 17\+/);
      assert.match(err.message, /apt-get install openjdk-17-jdk-headless maven/);
      assert.match(err.message, /KAFKA_BROKERS=host:port/);
      assert.match(err.message, /docker-compose\.yml/);
      return true;
    },
  );
});

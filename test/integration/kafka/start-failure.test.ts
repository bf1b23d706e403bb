/**
 * A broker that fails at start: startLocalKafka rejects with KAFKA_START_FAILED carrying the tail of
 * the JVM's output, and leaves no process and no data folder. The JVM is a wrapper around the real
 * java (kafka.javaHome) that fails for kafka.Kafka only, the way a bad JVM option or a port clash would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isV2xError } from '../../../core/errors.js';
import { startLocalKafka } from '../../../infra/kafka/index.js';
import { testConfig } from '../../helpers/kafka.js';

function which(cmd: string): string {
  return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
}

test('a broker that exits at start gives KAFKA_START_FAILED with its output, and nothing is left', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'v2x-fakejdk-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'bin'));
  await mkdir(join(root, 'data'));
  await symlink(which('javac'), join(root, 'bin', 'javac'));
  const java = join(root, 'bin', 'java');
  await writeFile(
    java,
    `#!/bin/sh\nfor a in "$@"; do if [ "$a" = kafka.Kafka ]; then echo "FAKE: cannot bind the broker port" >&2; exit 7; fi; done\nexec ${which('java')} "$@"\n`,
  );
  await chmod(java, 0o755);

  const cfg = testConfig({ 'kafka.javaHome': root, 'kafka.dataDir': join(root, 'data') }).kafka;
  await assert.rejects(startLocalKafka(cfg, { progressStream: null }), (err: unknown) => {
    assert.ok(isV2xError(err, 'KAFKA_START_FAILED'), String(err));
    assert.match(err.message, /exited before it was ready/);
    assert.match(err.message, /FAKE: cannot bind the broker port/);
    return true;
  });
  assert.deepEqual(await readdir(join(root, 'data')), [], 'the instance folder is removed');
});

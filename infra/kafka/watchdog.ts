/**
 * The parent-watch guard (ParentWatch.java, next to this file in the source tree): compiled once
 * with javac into <cacheDir>/kafka/parentwatch-<hash of the source>/, so an edited source is
 * recompiled. See ParentWatch.java for how it keeps a broker from outliving its parent.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V2xError } from '../../core/errors.js';
import type { KafkaConfig } from './config.js';
import { ensureAtomicDir } from './atomic-dir.js';
import { requireJava } from './prereqs.js';

export const WATCHDOG_MAIN = 'ParentWatch';
const SOURCE_NAME = 'ParentWatch.java';

/** Finds ParentWatch.java: next to this module in the sources, or up from dist/ or .build/x/. */
export function watchdogSourcePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, SOURCE_NAME), join(dir, 'infra', 'kafka', SOURCE_NAME)]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  throw new V2xError('KAFKA_PROVISION_FAILED', `${SOURCE_NAME} not found near ${fileURLToPath(import.meta.url)}; is the package complete?`);
}

/** Compiles the guard if needed; returns the folder to put on the classpath. */
export async function ensureWatchdog(cfg: KafkaConfig, kafkaRoot: string): Promise<string> {
  const source = watchdogSourcePath();
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const dir = join(kafkaRoot, `parentwatch-${hash}`);
  await ensureAtomicDir(
    dir,
    async (tmp) => {
      const { javac } = requireJava(cfg, { needJavac: true });
      // --release 8 so the class also loads on the Java 8/11 that Kafka 3.9 allows.
      const attempts = [['--release', '8', '-Xlint:-options'], []];
      let last = '';
      for (const extra of attempts) {
        const r = await run(javac, [...extra, '-d', tmp, source]);
        if (r.code === 0) return;
        last = r.output;
      }
      throw new V2xError('KAFKA_PROVISION_FAILED', `javac could not compile ${source}: ${last.trim().slice(-2000)}`);
    },
    { waitTimeoutMs: 60_000, markerInfo: { source, hash } },
  );
  return dir;
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolve({ code: -1, output: err.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/**
 * The programs a local Kafka needs: java (17+ for Kafka 4.x), javac (compiles the parent-watch
 * guard once) and mvn (downloads the jars once). Missing ones end in PREREQ_MISSING with what to
 * install and the two ways around it (an existing cluster, or docker-compose).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { V2xError } from '../../core/errors.js';
import type { KafkaConfig } from './config.js';

export interface JavaTools {
  readonly java: string;
  readonly javac: string;
  /** Major version of `java`, e.g. 17. */
  readonly javaMajor: number;
}

const INSTALL_HINT =
  'install Java 17+ (a JDK: javac is used once) and Maven, e.g. `apt-get install openjdk-17-jdk-headless maven`; ' +
  'or use an existing cluster with KAFKA_BROKERS=host:port; ' +
  'or start Kafka with Docker elsewhere: `docker compose up -d` with the docker-compose.yml at the repository root, then set KAFKA_BROKERS';

/** Minimum Java major version for a Kafka version: 17 for 4.x, 8 for 3.x. */
export function minJavaFor(kafkaVersion: string): number {
  return Number(kafkaVersion.split('.')[0]) >= 4 ? 17 : 8;
}

/** Parses `java -version` output ('openjdk version "17.0.15" ...', 'java version "1.8.0_392"'). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (m === null) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

function toolPath(cfg: KafkaConfig, name: string): string {
  return cfg.javaHome !== '' ? join(cfg.javaHome, 'bin', name) : name;
}

function missing(what: string, extra = ''): V2xError {
  return new V2xError('PREREQ_MISSING', `${what}${extra}. To fix: ${INSTALL_HINT}`, { details: { missing: what } });
}

const javaCache = new Map<string, JavaTools>();

/** Finds java (checking its version against the Kafka version) and javac; throws PREREQ_MISSING. */
export function requireJava(cfg: KafkaConfig, opts: { needJavac?: boolean } = {}): JavaTools {
  const key = `${cfg.javaHome}|${cfg.version}|${opts.needJavac === true}`;
  const hit = javaCache.get(key);
  if (hit !== undefined) return hit;
  const java = toolPath(cfg, 'java');
  const r = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0)
    throw missing(`java (${java}) was not found or does not run`, r.error ? `: ${r.error.message}` : '');
  const major = parseJavaMajor(`${r.stderr}${r.stdout}`);
  const need = minJavaFor(cfg.version);
  if (major === undefined || major < need) {
    throw missing(`Kafka ${cfg.version} needs Java ${need}+, but ${java} is Java ${major ?? '(unknown)'}`);
  }
  const javac = toolPath(cfg, 'javac');
  if (opts.needJavac === true) {
    const c = spawnSync(javac, ['-version'], { encoding: 'utf8' });
    if (c.error !== undefined || c.status !== 0)
      throw missing(`javac (${javac}) was not found: a JDK, not only a JRE, is needed once to compile the parent-watch guard`);
  }
  const tools = { java, javac, javaMajor: major };
  javaCache.set(key, tools);
  return tools;
}

/** Checks that mvn runs; throws PREREQ_MISSING. */
export function requireMaven(): string {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) throw missing('mvn (Apache Maven) was not found', r.error ? `: ${r.error.message}` : '');
  return 'mvn';
}

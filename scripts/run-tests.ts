/**
 * `npm test`: runs `node --test` over the compiled test tiers (dist/test/unit, dist/test/integration,
 * or the tier given): `run-tests.js [unit|integration] [files or folders...] [node --test flags...]`.
 * Files or folders given replace the tier's own list (`*.test.js` files only).
 *
 * Before the integration tier it starts ONE local Kafka shared by every test file (unless
 * KAFKA_BROKERS is set) and hands its address to the node --test child in KAFKA_BROKERS; it is
 * stopped afterwards whatever happened (failures, Ctrl-C, an error here) and, should this process
 * be killed, by the broker's parent-watch guard. Exits with the test run's code.
 *
 * Like cli/run.ts this is a process entry: it is where process.env is read and passed on.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config/load.js';
import { configSchema } from '../app/config-schema.js';
import { onShutdown, runCleanups } from '../core/lifecycle.js';
import { configureLogging } from '../core/log.js';
import { defaultCacheDir, startLocalKafka } from '../infra/kafka/index.js';

type Tier = 'unit' | 'integration';
const TIERS: readonly Tier[] = ['unit', 'integration'];
/** Test files run in parallel, one process each: 2 cores, and integration files start JVMs. */
const DEFAULT_CONCURRENCY = 2;

const buildRoot = fileURLToPath(new URL('..', import.meta.url));

function testFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

async function runNodeTest(files: string[], extraArgs: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // A bound per test, so a hung test fails the run instead of stalling it (the longest takes ~90 s).
  const args = ['--test', `--test-concurrency=${DEFAULT_CONCURRENCY}`, '--test-timeout=300000', ...extraArgs, ...files];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env });
  // On Ctrl-C the terminal signals the child as well; on SIGTERM, pass it on. Either way wait for
  // the child before Kafka (registered earlier, so stopped later) goes away.
  const unregister = onShutdown('node --test', async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  const [code, sig] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  unregister();
  return code ?? (sig === 'SIGINT' ? 130 : 1);
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const first = argv[0];
  const tiers = first !== undefined && (TIERS as readonly string[]).includes(first) ? [first as Tier] : [...TIERS];
  const rest = argv.slice(tiers.length === 1 && first === tiers[0] ? 1 : 0);
  const picked = rest.filter((a) => !a.startsWith('-'));
  const extraArgs = rest.filter((a) => a.startsWith('-'));
  const config = loadConfig(configSchema, { env, defaults: { kafka: { cacheDir: defaultCacheDir(env) } } });
  configureLogging(config.log.level === 'info' ? 'warn' : config.log.level);

  let exitCode = 0;
  for (const tier of tiers) {
    const files =
      picked.length > 0
        ? picked.flatMap((p) => (statSync(p).isDirectory() ? testFiles(p) : [p]))
        : testFiles(join(buildRoot, 'test', tier));
    if (files.length === 0) {
      process.stderr.write(`run-tests: no ${tier} tests under ${relative(process.cwd(), join(buildRoot, 'test', tier))}\n`);
      continue;
    }
    const childEnv: NodeJS.ProcessEnv = { ...env };
    let stopKafka = async (): Promise<void> => {};
    if (tier === 'integration') {
      if (config.kafka.brokers.length > 0) {
        process.stderr.write(`run-tests: integration tests use KAFKA_BROKERS=${config.kafka.brokers.join(',')}\n`);
      } else {
        process.stderr.write('run-tests: starting a local Kafka for the integration tests\n');
        const kafka = await startLocalKafka(config.kafka, { detached: false, registerShutdown: true });
        process.stderr.write(
          `run-tests: Kafka ${kafka.version} ready at ${kafka.brokers.join(',')} in ${(kafka.startMs / 1000).toFixed(1)} s\n`,
        );
        childEnv.KAFKA_BROKERS = kafka.brokers.join(',');
        stopKafka = () => kafka.stop();
      }
    }
    try {
      process.stderr.write(`run-tests: ${tier}: ${files.length} file(s)\n`);
      const code = await runNodeTest(files, extraArgs, childEnv);
      if (code !== 0 && exitCode === 0) exitCode = code;
    } finally {
      await stopKafka();
    }
  }
  return exitCode;
}

try {
  process.exitCode = await main(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`run-tests: ${err instanceof Error ? err.message : String(err)}\n`);
  await runCleanups();
  process.exitCode = 1;
}

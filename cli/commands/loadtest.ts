/**
 * `v2x loadtest SCENARIO.yaml [--broker URL|embedded|mosquitto ...] [--out DIR]`: runs a load-test
 * scenario (docs/loadtest.md) against each broker one after another, shows the live view on
 * stderr, prints the summary table (and, for several brokers, the side-by-side comparison) on
 * stdout and writes the JSON and HTML reports to --out. Exit code: 0 every threshold held, 99 a
 * threshold failed or the run was aborted, 2 bad scenario or flags, 1 the run itself failed; with
 * several brokers the worst (loadtest/exit-code.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isV2xError, toV2xError } from '../../core/errors.js';
import { onShutdown, shutdownRequested } from '../../core/lifecycle.js';
import { combineExitCodes, EXIT_BAD_SCENARIO } from '../../loadtest/exit-code.js';
import { comparisonHtml, comparisonTable } from '../../loadtest/report/compare.js';
import { htmlReport } from '../../loadtest/report/html.js';
import { stringifyReport } from '../../loadtest/report/json.js';
import type { JsonReport } from '../../loadtest/report/schema.js';
import { summaryTable } from '../../loadtest/report/summary-table.js';
import { brokerTargets, startBroker } from '../../loadtest/runner/brokers.js';
import { liveOutput } from '../../loadtest/runner/live-output.js';
import { kafkaProbeTarget, type KafkaDefaults } from '../../loadtest/runner/kafka-probe.js';
import { runLoadTest } from '../../loadtest/runner/runner.js';
import { loadScenarioFile } from '../../loadtest/scenario/load.js';
import type { LeafCommand } from '../command.js';

/** A file name from a broker name: letters, digits, '.', '_' and '-'. */
export const fileNameOf = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '_');

export const loadtestCommand: LeafCommand = {
  name: 'loadtest',
  summary: 'run a load-test scenario against one or more MQTT brokers: pass/fail, JSON and HTML reports',
  usage: 'SCENARIO.yaml [--broker URL|embedded|mosquitto ...] [--out DIR]',
  positionals: { min: 1, max: 1 },
  options: {
    broker: {
      type: 'string',
      multiple: true,
      valueName: 'URL',
      description:
        'broker(s) to run against instead of the scenario\'s: mqtt://host:port, "embedded" (aedes) or "mosquitto" (started here)',
    },
    out: { type: 'string', valueName: 'DIR', description: 'folder for the reports (default loadtest-results)' },
    workers: {
      type: 'string',
      valueName: 'N',
      description: 'simulator worker threads (default: one per 3,000 cars, at most one per core)',
    },
  },
  help:
    'Reports: DIR/<broker>.json (schema in docs/loadtest.md) and DIR/<broker>.html; with several brokers also DIR/compare.html.\n' +
    'Exit codes: 0 every threshold held, 99 a threshold failed (or abortOnFail stopped the run), 2 bad scenario or flags, 1 the run failed.',
  async run({ config, options, positionals, env, stdout, stderr }) {
    const file = positionals[0] as string;
    const out = typeof options.out === 'string' ? options.out : 'loadtest-results';
    const workersText = options.workers;
    const workers = typeof workersText === 'string' ? Number(workersText) : undefined;
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
      stderr.write(`v2x loadtest: --workers: must be a whole number from 1 to 64 (got ${JSON.stringify(workersText)})\n`);
      return EXIT_BAD_SCENARIO;
    }
    let scenario;
    let targets;
    // Kafka for `e2e.probe: kafka` when the scenario does not say: KAFKA_BROKERS and the bridge's topic prefix
    const kafka: KafkaDefaults = { brokers: [...config.kafka.brokers], topicPrefix: config.bridge.topicPrefix };
    try {
      scenario = await loadScenarioFile(file);
      targets = brokerTargets(scenario, Array.isArray(options.broker) ? options.broker : []);
      kafkaProbeTarget(scenario, kafka); // no Kafka brokers for a Kafka probe: exit 2 before anything starts
    } catch (err) {
      const e = toV2xError(err);
      if (!isV2xError(e, 'SCENARIO_INVALID') && !isV2xError(e, 'SCENARIO_UNREADABLE') && !isV2xError(e, 'CLI_USAGE')) throw err;
      const problems = (e.details as { problems?: { field: string; message: string }[] } | undefined)?.problems;
      stderr.write(`v2x loadtest: ${problems === undefined ? e.message : `invalid scenario ${file}:`} [${e.code}]\n`);
      for (const p of problems ?? []) stderr.write(`  ${p.field}: ${p.message}\n`);
      return EXIT_BAD_SCENARIO;
    }
    mkdirSync(out, { recursive: true });
    const tty = (stderr as { isTTY?: boolean }).isTTY === true;
    const stop = shutdownRequested();
    const reports: JsonReport[] = [];
    const codes: number[] = [];
    for (const target of targets) {
      stderr.write(
        `v2x loadtest: ${scenario.name} against ${target.name} (${target.url}): ${scenario.fleet.size.toLocaleString('en-US')} cars, ` +
          `${scenario.stages.length} stage(s), ${Math.round(scenario.totalMs / 1000)} s\n`,
      );
      const live = liveOutput(stderr, tty);
      let broker;
      try {
        broker = await startBroker(target, env);
      } catch (err) {
        const e = toV2xError(err);
        stderr.write(`v2x loadtest: ${target.name}: ${e.message} [${e.code}]\n`);
        codes.push(e.exitCode);
        continue;
      }
      const unregister = onShutdown(`loadtest broker ${target.name}`, () => broker.close());
      try {
        const { report } = await runLoadTest({
          scenario,
          scenarioFile: relative(process.cwd(), file) || file,
          broker: broker.target,
          onStatus: (s) => live.status(s),
          onEvent: (text) => live.event(`v2x loadtest: ${text}`),
          stopRequested: stop,
          ...(workers !== undefined && { workers }),
          ...(broker.pid !== undefined && { brokerPid: broker.pid }),
          hookEnv: { ...env },
          kafka,
        });
        live.done();
        const base = join(out, fileNameOf(target.name));
        writeFileSync(`${base}.json`, stringifyReport(report));
        writeFileSync(`${base}.html`, htmlReport(report));
        stdout.write(`${summaryTable(report)}\n`);
        stderr.write(`v2x loadtest: reports written to ${base}.json and ${base}.html\n`);
        reports.push(report);
        codes.push(report.result.exitCode);
      } catch (err) {
        live.done();
        const e = toV2xError(err);
        stderr.write(`v2x loadtest: ${target.name}: ${e.message} [${e.code}]\n`);
        codes.push(e.exitCode);
      } finally {
        unregister();
        await broker.close();
      }
    }
    if (reports.length > 1) {
      stdout.write(`\n${comparisonTable(reports)}\n`);
      const compare = join(out, 'compare.html');
      writeFileSync(compare, comparisonHtml(reports, `Load test ${scenario.name}: ${reports.map((r) => r.broker.name).join(' vs ')}`));
      stderr.write(`v2x loadtest: comparison written to ${compare}\n`);
    }
    return combineExitCodes(codes);
  },
};

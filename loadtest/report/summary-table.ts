/**
 * The end-of-run summary printed to the terminal, k6-style: latencies with avg/p50/p90/p95/p99/max,
 * message counts and rates, loss/duplicates/reordering, errors by cause, connected cars, and each
 * threshold marked ✓ or ✗ with its observed value. Plain text, no colours (CI logs).
 */
import { formatObserved } from '../thresholds/evaluate.js';
import { fmtCount, fmtMs, fmtPercent, fmtShort, textTable } from './format.js';
import type { JsonReport } from './schema.js';
import { formatDuration } from '../scenario/duration.js';

const LATENCY_ROWS = [
  ['connect_time', 'connect'],
  ['puback_latency', 'puback'],
  ['e2e_latency', 'e2e'],
  ['command_latency', 'command'],
  ['command_duration', 'commandDone'],
] as const;

/** The outcomes of the remote commands, e.g. "succeeded 190, rejected 3, timed out 1", or '' when none were sent. */
export function commandOutcomes(c: NonNullable<JsonReport['summary']['commands']>): string {
  const parts: [string, number][] = [
    ['delivered', c.delivered],
    ['succeeded', c.succeeded],
    ['failed', c.failed],
    ['rejected', c.rejected],
    ['timed out', c.timedOut],
    ['car offline', c.offline],
    ['late', c.late],
    ['no target', c.noTarget],
  ];
  return parts
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${fmtCount(n)}`)
    .join(', ');
}

export function summaryTable(r: JsonReport): string {
  const s = r.summary;
  const secs = Math.max(s.durationMs / 1000, 1e-9);
  const out: string[] = [];
  const verdict = r.result.pass ? '✓ PASS' : '✗ FAIL';
  out.push(
    `  scenario ${r.scenario.name} · broker ${r.broker.name} (${r.broker.url}) · ${formatDuration(r.run.durationMs)} · ${verdict} (exit ${r.result.exitCode})`,
  );
  if (r.result.aborted) out.push(`  aborted at ${formatDuration(r.result.aborted.atMs)} by ${r.result.aborted.threshold}`);
  out.push('');
  const rows: string[][] = [['latency', 'avg', 'p50', 'p90', 'p95', 'p99', 'max', 'count']];
  for (const [name, key] of LATENCY_ROWS) {
    const t = s.latencyMs[key];
    if (t === undefined || (key.startsWith('command') && t.count === 0)) continue;
    rows.push(
      t.count === 0
        ? [name, '-', '-', '-', '-', '-', '-', '0']
        : [name, fmtMs(t.avg), fmtMs(t.p50), fmtMs(t.p90), fmtMs(t.p95), fmtMs(t.p99), fmtMs(t.max), fmtCount(t.count)],
    );
  }
  out.push(textTable(rows));
  out.push('');
  const byKind = (m: Readonly<Record<string, number>>): string => {
    const e = Object.entries(m).filter(([, n]) => n > 0);
    return e.length <= 1 ? '' : e.map(([k, n]) => `${k} ${fmtCount(n)}`).join(', ');
  };
  const q = s.sequence;
  const expected = q.distinct + q.lost;
  const ops = s.messages.sent + s.connectAttempts;
  const causes = Object.entries(s.errorsByCause)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${fmtCount(n)}`)
    .join(', ');
  out.push(
    textTable([
      ['messages', 'count', 'rate', ''],
      ['sent', fmtCount(s.messages.sent), `${fmtShort(s.messages.sent / secs)}/s`, byKind(s.messages.sentByKind)],
      ['acked', fmtCount(s.messages.acked), `${fmtShort(s.messages.acked / secs)}/s`, byKind(s.messages.ackedByKind)],
      ['received', fmtCount(s.messages.received), `${fmtShort(s.messages.received / secs)}/s`, byKind(s.messages.receivedByKind)],
      ['loss', fmtCount(q.lost), expected > 0 ? fmtPercent(q.lost / expected) : '-', `${fmtCount(q.cars)} cars tracked`],
      ['duplicates', fmtCount(q.duplicates), q.received > 0 ? fmtPercent(q.duplicates / q.received) : '-', ''],
      ['reordered', fmtCount(q.reordered), q.received > 0 ? fmtPercent(q.reordered / q.received) : '-', ''],
      ['errors', fmtCount(s.errors), ops > 0 ? fmtPercent(s.errors / ops) : '-', causes],
      ['reconnects', fmtCount(s.reconnects), `${fmtShort(s.reconnects / secs)}/s`, ''],
      ...(s.commands !== undefined && s.commands.sent + s.commands.noTarget > 0
        ? [['commands', fmtCount(s.commands.sent), `${fmtShort(s.commands.sent / secs)}/s`, commandOutcomes(s.commands)]]
        : []),
      [
        'connected',
        fmtCount(s.connected.last),
        '',
        `min ${fmtCount(s.connected.min)}, max ${fmtCount(s.connected.max)}, avg ${fmtShort(s.connected.avg)}`,
      ],
    ]).replace(/[ \t]+$/gm, ''),
  );
  if (r.thresholds.length > 0) {
    out.push('');
    out.push('  thresholds');
    out.push(
      textTable(
        r.thresholds.map((t) => [
          `${t.pass ? '✓' : '✗'} ${t.expression}`,
          `observed ${formatObserved(t.observed ?? Number.NaN, t.unit)}`,
          t.abortOnFail ? '(abortOnFail)' : '',
        ]),
        '  ',
        3,
      ).replace(/[ \t]+$/gm, ''),
    );
  }
  if (r.rampToBreak) {
    const b = r.rampToBreak;
    out.push('');
    out.push(
      `  ramp to break: last level that held ${b.lastHeld === null ? 'none' : `${fmtCount(b.lastHeld)} cars`}` +
        (b.brokeAt === null ? ' (every level held)' : `; broke at ${fmtCount(b.brokeAt)} cars on ${b.failed.join(', ')}`),
    );
    out.push(
      textTable(
        b.levels.map((l) => [`${l.pass ? '✓' : '✗'} ${fmtCount(l.cars)} cars`, l.failed.join(', ')]),
        '    ',
      ).replace(/[ \t]+$/gm, ''),
    );
  }
  return out.join('\n');
}

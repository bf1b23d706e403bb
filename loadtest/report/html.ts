/**
 * The HTML report of one run: verdict, thresholds, latency and message tables, and the charts
 * (throughput, latency percentiles, connected cars, errors) as inline SVG drawn here. One
 * self-contained file: it opens offline.
 */
import { formatDuration } from '../scenario/duration.js';
import { formatObserved } from '../thresholds/evaluate.js';
import { runCharts } from './charts.js';
import { fmtCount, fmtMs, fmtPercent, fmtShort } from './format.js';
import { commandOutcomes } from './summary-table.js';
import { esc, htmlPage, htmlTable, verdictHtml } from './html-page.js';
import type { JsonReport } from './schema.js';

export function latencyRows(r: JsonReport): string[][] {
  const rows: string[][] = [];
  for (const [name, key] of [
    ['connect_time', 'connect'],
    ['puback_latency', 'puback'],
    ['e2e_latency', 'e2e'],
    ['command_latency', 'command'],
    ['command_duration', 'commandDone'],
  ] as const) {
    const t = r.summary.latencyMs[key];
    if (t === undefined || (key.startsWith('command') && t.count === 0)) continue;
    rows.push(
      t.count === 0
        ? [name, '-', '-', '-', '-', '-', '-', '0']
        : [name, fmtMs(t.avg), fmtMs(t.p50), fmtMs(t.p90), fmtMs(t.p95), fmtMs(t.p99), fmtMs(t.max), fmtCount(t.count)],
    );
  }
  return rows;
}

export function thresholdRows(r: JsonReport): string[][] {
  return r.thresholds.map((t) => [
    t.pass ? '<span class="pass">✓</span>' : '<span class="fail">✗</span>',
    esc(t.expression),
    esc(formatObserved(t.observed ?? Number.NaN, t.unit)),
    t.abortOnFail ? 'yes' : '',
  ]);
}

export function htmlReport(r: JsonReport): string {
  const s = r.summary;
  const secs = Math.max(s.durationMs / 1000, 1e-9);
  const q = s.sequence;
  const charts = runCharts(r);
  const parts: string[] = [];
  parts.push(`<h1>Load test: ${esc(r.scenario.name)} ${verdictHtml(r.result.pass)}</h1>`);
  parts.push(
    `<div class="meta">broker <b>${esc(r.broker.name)}</b> (${esc(r.broker.url)}) · started ${esc(r.run.startedAt)} · ${esc(formatDuration(r.run.durationMs))} · ` +
      `${fmtCount(r.scenario.fleetSize)} cars · QoS ${r.scenario.profile.qos} · MQTT ${esc(r.scenario.profile.mqttVersion)} · ${esc(r.scenario.profile.codec)} · exit code ${r.result.exitCode}</div>`,
  );
  if (r.scenario.description) parts.push(`<p>${esc(r.scenario.description)}</p>`);
  if (r.result.aborted)
    parts.push(`<p class="fail">Aborted at ${esc(formatDuration(r.result.aborted.atMs))} by ${esc(r.result.aborted.threshold)}</p>`);
  if (r.thresholds.length > 0) {
    parts.push('<h2>Thresholds</h2>');
    parts.push(htmlTable(['', 'threshold', 'observed', 'abortOnFail'], thresholdRows(r), true, 'text'));
  }
  if (r.rampToBreak) {
    const b = r.rampToBreak;
    parts.push('<h2>Ramp to break</h2>');
    parts.push(
      `<p>Last level that held: <b>${b.lastHeld === null ? 'none' : `${fmtCount(b.lastHeld)} cars`}</b>${b.brokeAt === null ? ' (every level held)' : `; broke at ${fmtCount(b.brokeAt)} cars on ${esc(b.failed.join(', '))}`}</p>`,
    );
    parts.push(
      htmlTable(
        ['cars', 'held', 'failed thresholds'],
        b.levels.map((l) => [fmtCount(l.cars), l.pass ? '✓' : '✗', l.failed.join(', ')]),
        false,
        'text',
      ),
    );
  }
  parts.push('<h2>Charts</h2>');
  parts.push(`<div class="charts">${Object.values(charts).join('\n')}</div>`);
  parts.push('<h2>Latency</h2>');
  parts.push(htmlTable(['metric', 'avg', 'p50', 'p90', 'p95', 'p99', 'max', 'count'], latencyRows(r)));
  parts.push('<h2>Messages</h2>');
  const expected = q.distinct + q.lost;
  const ops = s.messages.sent + s.connectAttempts;
  parts.push(
    htmlTable(
      ['metric', 'count', 'rate'],
      [
        ['sent', fmtCount(s.messages.sent), `${fmtShort(s.messages.sent / secs)}/s`],
        ['acked', fmtCount(s.messages.acked), `${fmtShort(s.messages.acked / secs)}/s`],
        ['received', fmtCount(s.messages.received), `${fmtShort(s.messages.received / secs)}/s`],
        ['loss', fmtCount(q.lost), expected > 0 ? fmtPercent(q.lost / expected) : '-'],
        ['duplicates', fmtCount(q.duplicates), q.received > 0 ? fmtPercent(q.duplicates / q.received) : '-'],
        ['reordered', fmtCount(q.reordered), q.received > 0 ? fmtPercent(q.reordered / q.received) : '-'],
        ['errors', fmtCount(s.errors), ops > 0 ? fmtPercent(s.errors / ops) : '-'],
        ['reconnects', fmtCount(s.reconnects), `${fmtShort(s.reconnects / secs)}/s`],
        ...(s.commands !== undefined && s.commands.sent + s.commands.noTarget > 0
          ? [['commands sent', fmtCount(s.commands.sent), `${fmtShort(s.commands.sent / secs)}/s`]]
          : []),
        ['connected (min / max / last)', `${fmtCount(s.connected.min)} / ${fmtCount(s.connected.max)} / ${fmtCount(s.connected.last)}`, ''],
      ],
    ),
  );
  const c = s.commands;
  if (c !== undefined && c.sent + c.noTarget > 0) {
    parts.push('<h2>Remote commands</h2>');
    parts.push(`<p>${esc(commandOutcomes(c))}</p>`);
  }
  const causes = Object.entries(s.errorsByCause).sort((a, b) => b[1] - a[1]);
  if (causes.length > 0) {
    parts.push('<h2>Errors by cause</h2>');
    parts.push(
      htmlTable(
        ['cause', 'count'],
        causes.map(([c, n]) => [c, fmtCount(n)]),
      ),
    );
  }
  return htmlPage(`Load test ${r.scenario.name} · ${r.broker.name}`, parts.join('\n'));
}

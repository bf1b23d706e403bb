/**
 * The HTML report of a live traffic evaluation (`v2x eval traffic --replay ... --html FILE`): the
 * figures, a timeline chart (segments truly jammed and segments the service held as jammed, per
 * minute), the missed true jams and the false alarms. One self-contained file, no scripts.
 */
import { escapeXml, lineChart } from '../../loadtest/report/svg-chart.js';
import type { LiveEvalOptions, LiveEvalResult } from './eval-live.js';

export function liveEvalHtml(o: LiveEvalOptions, r: LiveEvalResult): string {
  const s = r.score;
  const d = s.report.detection;
  const f = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(3));
  const sec = (v: number): string => (Number.isNaN(v) ? '-' : String(v));
  const time = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
  const rows = (items: readonly string[][]): string =>
    items.map((c) => `<tr>${c.map((x) => `<td>${escapeXml(x)}</td>`).join('')}</tr>`).join('');
  const chart = lineChart({
    id: 'timeline',
    title: 'Jammed segments per minute after the warm-up',
    xLabel: 'minute',
    yLabel: 'segments',
    series: [
      { name: 'truth', points: s.timeline.map((p) => [p.minute, p.trueSegments] as const) },
      { name: 'detected (live service)', points: s.timeline.map((p) => [p.minute, p.detectedSegments] as const), dashed: true },
    ],
  });
  const fc = s.report.forecast;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>v2x eval traffic: ${escapeXml(o.replay)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}</style>
</head><body>
<h1>Traffic evaluation against outside truth</h1>
<p>replay <code>${escapeXml(o.replay)}</code> at speed ${o.speed} &middot; network <code>${escapeXml(o.network)}</code>
(${r.network.segments} segments, ${r.network.nodes} nodes, ${r.network.signals} signals) &middot; truth <code>${escapeXml(o.truth)}</code>
(${r.truthRecords} records) &middot; ${r.vehicles} vehicles, ${r.fixes} fixes &middot; warm-up ${o.warmupS} s &middot; ${(r.wallMs / 1000).toFixed(0)} s wall</p>
<h2>Detection</h2>
<table><tr><th>precision</th><th>recall</th><th>F1</th><th>median delay s</th><th>p90 delay s</th><th>true jams</th><th>detected jams</th><th>true time detected</th><th>detected time true</th></tr>
<tr><td>${f(d.precision)}</td><td>${f(d.recall)}</td><td>${f(d.f1)}</td><td>${sec(d.median_delay_s)}</td><td>${sec(d.p90_delay_s)}</td><td>${s.trueJams.length}</td><td>${s.detectedJams}</td><td>${f(s.report.overlap.true_time_detected)}</td><td>${f(s.report.overlap.detected_time_true)}</td></tr></table>
${chart}
<h2>Forecasts (MAE, m/s)</h2>
<table><tr><th></th><th>model</th><th>historical average</th><th>last value</th></tr>
${rows((['mae_5', 'mae_10', 'mae_15', 'rmse_10'] as const).map((k) => [k, f(fc[k].model), f(fc[k].ha), f(fc[k].last)]))}</table>
<p>warnings: median lead ${s.report.warnings.median_lead_s} s</p>
<h2>Missed true jams (${s.missed.length})</h2>
<table><tr><th>segment</th><th>start</th><th>end</th></tr>${rows(s.missed.map((m) => [m.segmentId, time(m.startMs), time(m.endMs)]))}</table>
<h2>False alarms (${s.falseAlarms.length})</h2>
<table><tr><th>jam</th><th>started</th><th>segments</th></tr>${rows(s.falseAlarms.map((a) => [a.jamId, time(a.fromMs), a.segments.join(' ')]))}</table>
</body></html>
`;
}

/**
 * The page shell shared by the run and comparison HTML reports: one file, inline CSS, no scripts,
 * no external URL of any kind, so it opens offline from a file:// address or a CI artefact.
 */
import { escapeXml } from './svg-chart.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;margin-bottom:12px}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}
table{border-collapse:collapse;background:#fff;margin:6px 0}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}
th:first-child,td:first-child,table.text td,table.text th{text-align:left}
th{background:#f0f0f0}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{border:1px solid #ddd;background:#fff}
footer{margin-top:32px;color:#777;font-size:12px}
`;

export const esc = escapeXml;

export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
<footer>v2x-loadtest report · self-contained: no scripts, no external resources</footer>
</body>
</html>
`;
}

export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[], rawCells = false, className = ''): string {
  const cell = (c: string): string => (rawCells ? c : esc(c));
  return `<table${className === '' ? '' : ` class="${esc(className)}"`}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function verdictHtml(pass: boolean): string {
  return pass ? '<span class="pass">✓ PASS</span>' : '<span class="fail">✗ FAIL</span>';
}

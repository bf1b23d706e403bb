/** Number formatting shared by the text and HTML reports. */

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}

export function fmtCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 1234.5 -> "1.2k", 12 -> "12", 0.25 -> "0.25". */
export function fmtShort(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  if (Number.isInteger(n)) return String(n);
  return a >= 10 ? n.toFixed(0) : n.toFixed(2);
}

export function fmtPercent(fraction: number): string {
  if (fraction === 0) return '0%';
  const p = fraction * 100;
  return p >= 1 ? `${p.toFixed(2)}%` : `${Number(p.toPrecision(2))}%`;
}

export function padEnd(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function padStart(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

/** Columns padded to their widest cell; the first `leftColumns` left-aligned, the others right-aligned. */
export function textTable(rows: readonly (readonly string[])[], indent = '  ', leftColumns = 1): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map(
      (row) =>
        indent +
        row
          .map((c, i) => (i < leftColumns ? padEnd(c, widths[i] ?? 0) : padStart(c, widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

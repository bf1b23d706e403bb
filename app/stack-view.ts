/**
 * One view of a multi-process stack (decision 0026): every process's Prometheus registry (the JSON
 * its probe returns) rendered as one exposition, each series labelled with the process it came from
 * (`process="edge-2"`, `role="edge"`), and /health's list of processes. Pure.
 */
import type { MetricJson } from './backend-process.js';

export interface ProcessMetrics {
  /** process name (edge-1, services...) */
  readonly process: string;
  /** its kind (edge, services, worker, all) */
  readonly role: string;
  readonly metrics: readonly MetricJson[];
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The Prometheus text format of every process's metrics, HELP and TYPE once per metric. */
export function renderStackMetrics(sources: readonly ProcessMetrics[]): string {
  const byName = new Map<string, { help: string; type: string; lines: string[] }>();
  for (const src of sources) {
    for (const m of src.metrics) {
      let entry = byName.get(m.name);
      if (entry === undefined) {
        entry = { help: m.help ?? m.name, type: m.type, lines: [] };
        byName.set(m.name, entry);
      }
      for (const v of m.values) {
        const labels = { ...v.labels, process: src.process, role: src.role };
        const text = Object.entries(labels)
          .map(([k, l]) => `${k}="${escapeLabel(typeof l === 'number' ? number(l) : String(l))}"`)
          .join(',');
        entry.lines.push(`${v.metricName ?? m.name}{${text}} ${number(v.value)}`);
      }
    }
  }
  const out: string[] = [];
  for (const [name, e] of byName) out.push(`# HELP ${name} ${escapeHelp(e.help)}`, `# TYPE ${name} ${e.type}`, ...e.lines);
  return `${out.join('\n')}\n`;
}

export interface ProcessHealth {
  readonly name: string;
  readonly role: string;
  readonly pid: number | undefined;
  readonly state: 'starting' | 'running' | 'restarting' | 'stopped';
  readonly restarts: number;
  /** What the process's own /health says, when it answered. */
  readonly health?: Readonly<Record<string, unknown>>;
  readonly error?: string;
}

/** /health of the whole stack: ok when every process runs; each process's own fields under `processes`. */
export function stackHealth(processes: readonly ProcessHealth[]): Record<string, unknown> {
  const down = processes.filter((p) => p.state !== 'running' || p.error !== undefined).map((p) => p.name);
  const clients = processes.reduce((n, p) => n + (p.role === 'edge' || p.role === 'all' ? Number(p.health?.clients ?? 0) : 0), 0);
  return {
    ...(down.length > 0 && { status: 'degraded', down }),
    clients,
    processes,
  };
}

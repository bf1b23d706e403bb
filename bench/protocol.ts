/**
 * Protocol codec micro-benchmark: ns/op for encode and decode(+validate) per codec and kind, and
 * payload sizes. Prints a table, then one JSON line for bench/results.
 *
 *   npx tsc -p . --outDir .build/protocol && node .build/protocol/bench/protocol.js [--ms 300]
 */
import { arch, cpus, platform } from 'node:os';
import { decode, encode, type CodecName } from '../protocol/codec/index.js';
import { examples } from '../protocol/examples.js';
import { validateTelemetry } from '../protocol/messages.js';
import type { MessageKind } from '../protocol/kinds.js';

const argMs = process.argv.indexOf('--ms');
const budgetMs = argMs > 0 ? Number(process.argv[argMs + 1]) : 300;

let sink = 0;

/** ns per call of fn, after a warm-up, measured over about budgetMs. */
function measure(fn: () => unknown): number {
  for (let i = 0; i < 20_000; i++) sink ^= fn() === undefined ? 0 : 1;
  let n = 10_000;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink ^= fn() === undefined ? 0 : 1;
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns >= budgetMs * 1e6 || n >= 1e8) return ns / n;
    n = Math.ceil((n * budgetMs * 1e6 * 1.1) / Math.max(ns, 1));
  }
}

interface Row {
  kind: MessageKind;
  codec: CodecName | 'none';
  op: string;
  bytes?: number;
  nsPerOp: number;
}

const rows: Row[] = [];
const kinds: MessageKind[] = ['telemetry', 'status', 'event', 'commandRequest'];
for (const kind of kinds) {
  const message = examples[kind][0];
  if (message === undefined) continue;
  for (const codec of ['json', 'binary'] as const) {
    const bytes = encode(kind, message, codec);
    rows.push({ kind, codec, op: 'encode', bytes: bytes.length, nsPerOp: measure(() => encode(kind, message, codec)) });
    rows.push({ kind, codec, op: 'decode+validate', bytes: bytes.length, nsPerOp: measure(() => decode(kind, bytes)) });
  }
}
const t = examples.telemetry[0];
rows.push({ kind: 'telemetry', codec: 'none', op: 'validate only', nsPerOp: measure(() => validateTelemetry(t)) });

for (const r of rows) {
  console.log(
    `${r.kind.padEnd(15)} ${r.codec.padEnd(7)} ${r.op.padEnd(16)} ${String(r.bytes ?? '').padStart(5)} B ${r.nsPerOp.toFixed(0).padStart(7)} ns/op`,
  );
}
const tel = (codec: CodecName, op: string) => rows.find((r) => r.kind === 'telemetry' && r.codec === codec && r.op === op);
const jsonEnc = tel('json', 'encode');
const binEnc = tel('binary', 'encode');
const jsonDec = tel('json', 'decode+validate');
const binDec = tel('binary', 'decode+validate');
const ratios = {
  telemetryBytesJsonOverBinary: jsonEnc && binEnc && jsonEnc.bytes && binEnc.bytes ? +(jsonEnc.bytes / binEnc.bytes).toFixed(2) : null,
  telemetryEncodeJsonOverBinary: jsonEnc && binEnc ? +(jsonEnc.nsPerOp / binEnc.nsPerOp).toFixed(2) : null,
  telemetryDecodeJsonOverBinary: jsonDec && binDec ? +(jsonDec.nsPerOp / binDec.nsPerOp).toFixed(2) : null,
};
console.log(
  JSON.stringify({
    bench: 'protocol',
    at: new Date().toISOString(),
    node: process.version,
    machine: `${platform()}-${arch()} ${cpus()[0]?.model ?? '?'} x${cpus().length}`,
    results: rows.map((r) => ({ ...r, nsPerOp: Math.round(r.nsPerOp) })),
    ratios,
    sink: sink & 1,
  }),
);

/**
 * Regenerates the generated sections of docs/protocol.md from the code: the topic table, an
 * example of every message (protocol/examples.ts), the binary layouts, the payload sizes, the
 * command catalogue, the Kafka topics and headers and a dead-letter example. The prose around
 * them is written by hand. A unit test fails when the doc is out of date.
 *
 *   npx tsc -p . --outDir .build/protocol && node .build/protocol/scripts/protocol-doc.js [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { format, resolveConfig } from 'prettier';
import { binaryLayout } from '../protocol/codec/binary.js';
import { encode } from '../protocol/codec/index.js';
import { examples } from '../protocol/examples.js';
import { buildDeadLetter, HEADERS, KAFKA_TOPICS, MQTT_TO_KAFKA } from '../protocol/kafka.js';
import { kindInfo, MAX_PAYLOAD_BYTES, MESSAGE_KINDS, type MessageKind } from '../protocol/kinds.js';
import { validateMessage } from '../protocol/messages.js';
import { COMMAND_TYPES, commandCatalogue } from '../protocol/schemas/commands.js';
import { TOPIC_PREFIX } from '../protocol/topics.js';

const json = (v: unknown): string => '```json\n' + JSON.stringify(v, null, 2) + '\n```';
const cell = (s: string): string => s.replaceAll('|', '\\|');
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function topics(): string {
  return table(
    ['kind', 'topic', 'direction', 'QoS', 'retained', 'binary id'],
    MESSAGE_KINDS.map((k) => {
      const i = kindInfo[k];
      return [k, `\`${TOPIC_PREFIX}{vin}/${i.topicSuffix}\``, i.direction, String(i.qos), i.retained ? 'yes' : 'no', String(i.binaryId)];
    }),
  );
}

function exampleLabel(kind: MessageKind, m: Record<string, unknown>): string {
  if (kind === 'status') return `state \`${String(m.state)}\``;
  if (kind === 'event' || kind === 'commandRequest') return `type \`${String(m.type)}\``;
  if (kind === 'commandResult') return `status \`${String(m.status)}\``;
  if (kind === 'telemetry') return m.rpm === undefined ? 'EV, the required fields and battery' : 'combustion car, every field';
  return `type \`${String(m.type)}\``;
}

function exampleSection(kind: MessageKind): string {
  return (examples[kind] as readonly unknown[])
    .map((m) => {
      const bin = encode(kind, m as never, 'binary').length;
      const js = encode(kind, m as never, 'json').length;
      return `${exampleLabel(kind, m as Record<string, unknown>)} (JSON ${js} bytes, binary ${bin} bytes):\n\n${json(m)}`;
    })
    .join('\n\n');
}

function layoutSection(kind: MessageKind): string {
  return table(
    ['field', 'wire type', 'bytes', 'notes'],
    [
      ['(header)', 'u8 0xB1, u8 kind', '2', `magic + layout version 1; kind id ${kindInfo[kind].binaryId}`],
      ...binaryLayout(kind).map((r) => [r.field, r.wire, r.size, r.note]),
    ],
  );
}

function sizes(): string {
  const rows: string[][] = [];
  for (const kind of MESSAGE_KINDS) {
    (examples[kind] as readonly unknown[]).forEach((m) => {
      const j = encode(kind, m as never, 'json').length;
      const b = encode(kind, m as never, 'binary').length;
      rows.push([kind, exampleLabel(kind, m as Record<string, unknown>), String(j), String(b), (j / b).toFixed(1)]);
    });
  }
  return table(['kind', 'example', 'JSON bytes', 'binary bytes', 'ratio'], rows);
}

function describeParam(s: TSchema): string {
  const parts: string[] = [String(s.type)];
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${String(s.minimum ?? '')}..${String(s.maximum ?? '')}`);
  if (s.multipleOf !== undefined) parts.push(`step ${String(s.multipleOf)}`);
  if (s.pattern !== undefined) parts.push(`\`${String(s.pattern)}\``);
  if (s.maxLength !== undefined) parts.push(`max ${String(s.maxLength)} chars`);
  return parts.join(', ');
}

function commands(): string {
  return table(
    ['type', 'label', 'params', 'changes state', 'simulated delay ms', 'description'],
    COMMAND_TYPES.map((t) => {
      const c = commandCatalogue[t];
      const props = Object.entries(c.params.properties as Record<string, TSchema>);
      const params = props.length === 0 ? '`{}`' : props.map(([k, s]) => `\`${k}\`: ${describeParam(s)}`).join('; ');
      return [`\`${t}\``, c.label, params, c.changesState ? 'yes' : 'no', `${c.delayMs[0]}-${c.delayMs[1]}`, c.description];
    }),
  );
}

function kafkaTopics(): string {
  const from = new Map(Object.entries(MQTT_TO_KAFKA).map(([k, id]) => [id as string, k]));
  return table(
    ['topic', 'cleanup', 'partitions', 'key', 'value', 'retention', 'description'],
    Object.entries(KAFKA_TOPICS).map(([id, t]) => {
      const spec = t as { kind?: string; retentionMs?: number };
      const value = spec.kind === undefined ? 'JSON' : `${spec.kind}${from.has(id) ? ' (from MQTT)' : ''}`;
      const retention = spec.retentionMs === undefined ? '-' : `${spec.retentionMs / 3_600_000} h`;
      return [`\`${t.name}\``, t.cleanupPolicy, String(t.partitions), t.key, value, retention, t.description];
    }),
  );
}

function kafkaHeaders(): string {
  const meaning: Record<string, string> = {
    mqttTopic: 'the MQTT topic the payload came from',
    mqttQos: 'the MQTT QoS it was published with (0, 1, 2)',
    receivedAt: 'broker receive time, ms since epoch (decimal string)',
    contentType: '`application/json` or `application/vnd.v2x.bin;v=1`',
    schemaVersion: 'schema version within v1 (decimal string)',
    kind: 'protocol message kind (telemetry, status, event...)',
    causeTs:
      'on a geofence event and a fence action command: the car timestamp of the fix that caused it, ms (decimal string; hop latencies)',
  };
  return table(
    ['header', 'meaning'],
    Object.entries(HEADERS).map(([k, name]) => [`\`${name}\``, meaning[k] ?? '']),
  );
}

function deadLetterExample(): string {
  const bad = { ...(examples.telemetry[0] as object), seq: -1 };
  const raw = Buffer.from(JSON.stringify(bad));
  const r = validateMessage('telemetry', bad);
  if (r.ok) throw new Error('the dead-letter example should be invalid');
  return json(
    buildDeadLetter({
      issue: r.issue,
      source: { type: 'mqtt', topic: `${TOPIC_PREFIX}${examples.telemetry[0]?.vin ?? ''}/telemetry` },
      payload: raw,
      at: 1_764_028_801_234,
      refusedBy: 'bridge',
      vin: examples.telemetry[0]?.vin ?? '',
    }),
  );
}

export function renderSections(): Record<string, string> {
  const sections: Record<string, string> = {
    topics: topics(),
    sizes: sizes(),
    commands: commands(),
    'kafka-topics': kafkaTopics(),
    'kafka-headers': kafkaHeaders(),
    deadletter: deadLetterExample(),
    limits: `MAX_PAYLOAD_BYTES = ${MAX_PAYLOAD_BYTES} (${MAX_PAYLOAD_BYTES / 1024} KiB)`,
  };
  for (const k of MESSAGE_KINDS) {
    sections[`example-${k}`] = exampleSection(k);
    sections[`layout-${k}`] = layoutSection(k);
  }
  return sections;
}

/**
 * The doc with every `<!-- BEGIN GENERATED: id -->...<!-- END GENERATED: id -->` block rewritten,
 * then formatted with the repository's prettier config (so `npm run format:check` agrees).
 */
export async function renderProtocolDoc(current: string, root: string = repoRoot()): Promise<string> {
  const sections = renderSections();
  const seen = new Set<string>();
  const out = current.replace(/<!-- BEGIN GENERATED: ([\w-]+) -->\n[\s\S]*?<!-- END GENERATED: \1 -->/g, (_m, id: string) => {
    const body = sections[id];
    if (body === undefined) throw new Error(`docs/protocol.md has an unknown generated section "${id}"`);
    seen.add(id);
    return `<!-- BEGIN GENERATED: ${id} -->\n${body}\n<!-- END GENERATED: ${id} -->`;
  });
  const missing = Object.keys(sections).filter((id) => !seen.has(id));
  if (missing.length > 0) throw new Error(`docs/protocol.md lacks generated sections: ${missing.join(', ')}`);
  const file = join(root, PROTOCOL_DOC);
  const options = (await resolveConfig(file)) ?? {};
  return format(out, { ...options, filepath: file });
}

/** The repository root: the nearest folder above `from` holding package.json. */
export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'protocol'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

export const PROTOCOL_DOC = 'docs/protocol.md';

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = join(repoRoot(), PROTOCOL_DOC);
  const current = readFileSync(file, 'utf8');
  const next = await renderProtocolDoc(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write(`${PROTOCOL_DOC} is out of date: run node .build/protocol/scripts/protocol-doc.js\n`);
      process.exitCode = 1;
    }
  } else if (next !== current) {
    writeFileSync(file, next);
    process.stdout.write(`updated ${PROTOCOL_DOC}\n`);
  } else {
    process.stdout.write(`${PROTOCOL_DOC} is up to date\n`);
  }
}

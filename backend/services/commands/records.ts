/**
 * Kafka records of the command service: the request to the car (commands, key VIN), the latest
 * state (command-status, compacted, key commandId, JSON CommandSnapshot, header v2x-kind =
 * commandState) and the audit entry (command-audit, key VIN, JSON AuditEntry).
 */
import { createCommandRequest, encode, HEADERS, isCommandType, kafkaTopicName } from '../../../protocol/index.js';
import type { OutRecord } from '../../kafka/types.js';
import type { AuditEntry, CommandOutput, CommandSnapshot } from './types.js';
import { isLifecycleState } from './types.js';

export const STATE_KIND = 'commandState';
export const AUDIT_KIND = 'commandAudit';

export function requestRecord(s: CommandSnapshot, prefix: string): OutRecord {
  const request = createCommandRequest({
    commandId: s.commandId,
    vin: s.vin,
    type: s.type,
    params: s.params as never,
    issuedAt: s.createdAt,
    ttlMs: s.expiresAt - s.createdAt,
  });
  return {
    topic: kafkaTopicName('commands', prefix),
    key: s.vin,
    value: encode('commandRequest', request),
    headers: {
      'content-type': 'application/json',
      'v2x-kind': 'commandRequest',
      ...(s.causeTs === undefined ? {} : { [HEADERS.causeTs]: String(Math.round(s.causeTs)) }),
    },
  };
}

export function statusRecord(s: CommandSnapshot, prefix: string): OutRecord {
  return {
    topic: kafkaTopicName('commandStatus', prefix),
    key: s.commandId,
    value: JSON.stringify(s),
    headers: { 'content-type': 'application/json', 'v2x-kind': STATE_KIND },
  };
}

export function auditRecord(e: AuditEntry, prefix: string): OutRecord {
  return {
    topic: kafkaTopicName('commandAudit', prefix),
    key: e.vin,
    value: JSON.stringify(e),
    headers: { 'content-type': 'application/json', 'v2x-kind': AUDIT_KIND },
  };
}

/** A command-status value back into a snapshot; undefined when it is not one (old car results, garbage). */
export function decodeSnapshot(value: Buffer | null): CommandSnapshot | undefined {
  if (value === null) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const ok =
    typeof o.commandId === 'string' &&
    typeof o.vin === 'string' &&
    isCommandType(o.type) &&
    isLifecycleState(o.status) &&
    typeof o.createdAt === 'number' &&
    typeof o.expiresAt === 'number' &&
    typeof o.updatedAt === 'number' &&
    typeof o.principal === 'string' &&
    typeof o.fingerprint === 'string' &&
    typeof o.sendCount === 'number' &&
    typeof o.params === 'object' &&
    o.params !== null;
  return ok ? (o as unknown as CommandSnapshot) : undefined;
}

/** The status and audit records of a step's outputs, in order. */
export function journalRecords(outputs: readonly CommandOutput[], prefix: string): OutRecord[] {
  const records: OutRecord[] = [];
  for (const o of outputs) {
    if (o.kind === 'status') records.push(statusRecord(o.snapshot, prefix));
    else if (o.kind === 'audit') records.push(auditRecord(o.entry, prefix));
  }
  return records;
}

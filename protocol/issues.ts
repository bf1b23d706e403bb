/**
 * Validation outcomes as plain data. The bridge validates tens of thousands of messages a second
 * and dead-letters the bad ones, so the non-throwing forms return an Issue (no Error object, no
 * stack capture, no throw); the throwing forms turn the same Issue into a V2xError.
 */
import { V2xError, type ErrorCode } from '../core/errors.js';

export interface Issue {
  readonly code: ErrorCode;
  /** Dotted path from the message kind, e.g. `telemetry.gps.speedKmh`. */
  readonly field: string;
  /** The rule broken, e.g. `must be >= 0`. */
  readonly rule: string;
  /** The offending value (undefined when missing). */
  readonly value: unknown;
  /** `telemetry.gps.speedKmh: must be >= 0 (got -3)`. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: Issue };

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function makeIssue(code: ErrorCode, field: string, rule: string, value: unknown, showValue = true): Issue {
  return { code, field, rule, value, message: showValue ? `${field}: ${rule} (got ${describeValue(value)})` : `${field}: ${rule}` };
}

export function issueToError(issue: Issue): V2xError {
  return new V2xError(issue.code, issue.message, { details: { field: issue.field, rule: issue.rule, value: issue.value } });
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(issue: Issue): Result<T> {
  return { ok: false, issue };
}

/** The value of a Result, or throws its issue as a V2xError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw issueToError(result.issue);
}

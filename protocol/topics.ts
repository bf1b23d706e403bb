/**
 * The MQTT topic namespace: `v2x/v1/{vin}/{kind}`, the VIN in the topic so that ACLs are per car.
 *
 *   v2x/v1/{vin}/telemetry   car -> cloud   QoS 0
 *   v2x/v1/{vin}/status      car -> cloud   QoS 1, retained (birth online, last will offline)
 *   v2x/v1/{vin}/events      car -> cloud   QoS 1
 *   v2x/v1/{vin}/cmd/req     cloud -> car   QoS 1
 *   v2x/v1/{vin}/cmd/res     car -> cloud   QoS 1
 *   v2x/v1/{vin}/warnings    cloud -> car   QoS 1
 */
import { V2xError } from '../core/errors.js';
import { kindInfo, kindOfTopicSuffix, MESSAGE_KINDS, PROTOCOL_VERSION, type MessageKind } from './kinds.js';
import { vinProblem } from './vin.js';

export const TOPIC_ROOT = 'v2x';
export const TOPIC_PREFIX = `${TOPIC_ROOT}/${PROTOCOL_VERSION}/`;

export interface ParsedTopic {
  readonly vin: string;
  readonly kind: MessageKind;
}

/** `v2x/v1/{vin}/{suffix}`. The VIN is checked (a bad one throws TOPIC_INVALID). */
export function buildTopic(kind: MessageKind, vin: string): string {
  const problem = vinProblem(vin);
  if (problem !== undefined) throw new V2xError('TOPIC_INVALID', `VIN "${vin}" ${problem}`, { details: { vin, rule: problem } });
  return TOPIC_PREFIX + vin + '/' + kindInfo[kind].topicSuffix;
}

export const telemetryTopic = (vin: string): string => buildTopic('telemetry', vin);
export const statusTopic = (vin: string): string => buildTopic('status', vin);
export const eventsTopic = (vin: string): string => buildTopic('event', vin);
export const commandRequestTopic = (vin: string): string => buildTopic('commandRequest', vin);
export const commandResultTopic = (vin: string): string => buildTopic('commandResult', vin);
export const warningsTopic = (vin: string): string => buildTopic('warning', vin);

/** Why `topic` is not a v2x topic, or the VIN and kind it names. Never throws. */
export function inspectTopic(topic: string): ParsedTopic | { readonly problem: string } {
  if (typeof topic !== 'string' || topic.length === 0) return { problem: 'topic is empty' };
  if (!topic.startsWith(TOPIC_PREFIX)) {
    const [root, version] = topic.split('/');
    if (root !== TOPIC_ROOT) return { problem: `first level must be "${TOPIC_ROOT}" (got "${root ?? ''}")` };
    return { problem: `version level must be "${PROTOCOL_VERSION}" (got "${version ?? ''}")` };
  }
  const slash = topic.indexOf('/', TOPIC_PREFIX.length);
  if (slash < 0) return { problem: `missing the kind level after the VIN in "${topic}"` };
  const vin = topic.slice(TOPIC_PREFIX.length, slash);
  const problem = vinProblem(vin);
  if (problem !== undefined) return { problem: `VIN "${vin}" ${problem}` };
  const suffix = topic.slice(slash + 1);
  const kind = kindOfTopicSuffix(suffix);
  if (kind === undefined) {
    const known = MESSAGE_KINDS.map((k) => kindInfo[k].topicSuffix).join(', ');
    return { problem: `unknown kind "${suffix}" (known: ${known})` };
  }
  return { vin, kind };
}

/** Parses `v2x/v1/{vin}/{kind}`; throws TOPIC_INVALID naming what is wrong. */
export function parseTopic(topic: string): ParsedTopic {
  const r = inspectTopic(topic);
  if ('problem' in r) throw new V2xError('TOPIC_INVALID', `${r.problem} (topic "${topic}")`, { details: { topic, rule: r.problem } });
  return r;
}

/** A filter for one kind: one car's topic, or every car's with `+`. */
export function topicFilter(kind: MessageKind, vin: string | '+' = '+'): string {
  return vin === '+' ? `${TOPIC_PREFIX}+/${kindInfo[kind].topicSuffix}` : buildTopic(kind, vin);
}

/** `$share/{group}/{filter}`: MQTT 5 shared subscription (EMQX, HiveMQ, Mosquitto 2 also on 3.1.1). */
export function sharedFilter(group: string, filter: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(group)) throw new V2xError('TOPIC_INVALID', `share group "${group}" must be letters, digits, _ . -`);
  return `$share/${group}/${filter}`;
}

/** What a car subscribes to: its own command requests and warnings. */
export function carSubscriptions(vin: string): string[] {
  return [buildTopic('commandRequest', vin), buildTopic('warning', vin)];
}

/** The kinds cars publish, which the bridge consumes. */
export const CAR_TO_CLOUD_KINDS: readonly MessageKind[] = MESSAGE_KINDS.filter((k) => kindInfo[k].direction === 'car-to-cloud');

/** What the bridge subscribes to: every car's uplink topics, optionally as one shared group. */
export function backendSubscriptions(options: { readonly group?: string; readonly kinds?: readonly MessageKind[] } = {}): string[] {
  const kinds = options.kinds ?? CAR_TO_CLOUD_KINDS;
  return kinds.map((k) => {
    const f = topicFilter(k);
    return options.group === undefined ? f : sharedFilter(options.group, f);
  });
}

/** Strips `$share/{group}/` from a filter; returns the filter unchanged when it is not shared. */
export function unshareFilter(filter: string): { readonly group?: string; readonly filter: string } {
  if (!filter.startsWith('$share/')) return { filter };
  const slash = filter.indexOf('/', 7);
  if (slash < 0) return { filter: '' };
  return { group: filter.slice(7, slash), filter: filter.slice(slash + 1) };
}

/** MQTT filter matching (`+` one level, `#` the rest); `$`-topics never match a leading wildcard. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

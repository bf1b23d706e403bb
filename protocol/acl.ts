/**
 * The broker ACL as pure functions. A car (its MQTT username is its VIN) may publish only its own
 * uplink topics and subscribe only to its own downlink topics, with no wildcards. The backend
 * (bridge, services) may publish downlink topics of any car and subscribe to anything under
 * `v2x/v1/`, shared or not. Anyone else gets nothing.
 */
import { kindInfo } from './kinds.js';
import { inspectTopic, TOPIC_PREFIX, unshareFilter } from './topics.js';

export type AclClient = { readonly role: 'car'; readonly vin: string } | { readonly role: 'backend' };

export type AclDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

const ALLOW: AclDecision = Object.freeze({ allow: true });
const deny = (reason: string): AclDecision => ({ allow: false, reason });

export function checkPublish(client: AclClient, topic: string): AclDecision {
  if (topic.includes('+') || topic.includes('#')) return deny('wildcards are not allowed in a topic name');
  const parsed = inspectTopic(topic);
  if ('problem' in parsed) return deny(parsed.problem);
  const direction = kindInfo[parsed.kind].direction;
  if (client.role === 'backend') {
    return direction === 'cloud-to-car' ? ALLOW : deny(`the backend does not publish ${parsed.kind} (cars do)`);
  }
  if (parsed.vin !== client.vin) return deny(`car ${client.vin} may not publish for ${parsed.vin}`);
  return direction === 'car-to-cloud' ? ALLOW : deny(`a car does not publish ${parsed.kind} (the backend does)`);
}

export function checkSubscribe(client: AclClient, filter: string): AclDecision {
  const { group, filter: plain } = unshareFilter(filter);
  if (client.role === 'backend') {
    if (!plain.startsWith(TOPIC_PREFIX)) return deny(`the backend subscribes only under ${TOPIC_PREFIX}`);
    return ALLOW;
  }
  if (group !== undefined) return deny('cars may not use shared subscriptions');
  if (plain.includes('+') || plain.includes('#')) return deny('cars may not subscribe with wildcards');
  const parsed = inspectTopic(plain);
  if ('problem' in parsed) return deny(parsed.problem);
  if (parsed.vin !== client.vin) return deny(`car ${client.vin} may not subscribe to ${parsed.vin}`);
  return kindInfo[parsed.kind].direction === 'cloud-to-car' ? ALLOW : deny(`a car does not subscribe to ${parsed.kind}`);
}

export const mayPublish = (client: AclClient, topic: string): boolean => checkPublish(client, topic).allow;
export const maySubscribe = (client: AclClient, filter: string): boolean => checkSubscribe(client, filter).allow;

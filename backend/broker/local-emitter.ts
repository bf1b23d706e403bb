/**
 * The broker's in-process message router (aedes' `mq`): mqemitter with no limit on the messages in
 * flight (decision 0035).
 *
 * aedes' own default lets 100 messages be in flight and queues the rest; when a slow delivery (a car
 * whose socket is full, a QoS 1 write) finally completes, mqemitter takes the next queued message in
 * the same call, and a message with no subscriber (every car's telemetry: the bridge takes it in the
 * publish hook) completes in that call too, so a queue of a few thousand messages drains as one
 * recursion: "Maximum call stack size exceeded", the broker dies, and the publishes still queued are
 * never acknowledged. Queued telemetry also waited behind those slow deliveries for its PUBACK.
 * Without the limit nothing queues here; flow control stays per client (aedes reads a client's next
 * batch only once its current one is handled, and a full socket waits for `drain`).
 */
import mqemitter from 'mqemitter';

/** `+` matches an empty level, as in aedes' own emitter (MQTT-4.7.1-3). */
export function localEmitter(): ReturnType<typeof mqemitter> {
  return mqemitter({ matchEmptyLevels: true, concurrency: 0 });
}

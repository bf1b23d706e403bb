/** MqttPublisher over the embedded aedes broker (MQTT 3.1.1: expiry and response topic are not carried). */
import type { Aedes } from 'aedes';
import type { MqttPublisher } from '../bridge/publisher.js';

export function embeddedPublisher(aedes: Aedes): MqttPublisher {
  return {
    publish(topic, payload, options) {
      return new Promise((resolve, reject) => {
        aedes.publish({ cmd: 'publish', topic, payload, qos: options.qos, retain: options.retain ?? false, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        );
      });
    },
  };
}

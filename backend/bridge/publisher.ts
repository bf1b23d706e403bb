/** How the bridge publishes to cars, whichever broker holds them (embedded aedes or an external one). */

export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain?: boolean;
  /** MQTT 5 message expiry; brokers and clients on 3.1.1 ignore it. */
  readonly messageExpirySeconds?: number;
  /** MQTT 5 request/response. */
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
}

export interface MqttPublisher {
  /** Resolves when the broker has taken the message (for QoS 1: stored for the subscriber). */
  publish(topic: string, payload: Buffer, options: PublishOptions): Promise<void>;
}

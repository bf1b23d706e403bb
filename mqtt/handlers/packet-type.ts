/** The MQTT control packet types a client receives (the high nibble of a packet's first byte). */
export const PacketType = {
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBACK: 9,
  UNSUBACK: 11,
  PINGRESP: 13,
  /** From an MQTT 5 broker only. */
  DISCONNECT: 14,
} as const;

export type PacketType = (typeof PacketType)[keyof typeof PacketType];

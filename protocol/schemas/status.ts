/**
 * Status, `v2x/v1/{vin}/status`, QoS 1, retained: the car publishes `online` (its birth message)
 * right after connecting, and registers `offline` with reason `connection_lost` as its last will,
 * so the retained value is always the car's current connectivity. A clean disconnect publishes
 * `offline` itself first (reason `shutdown` or `sleep`). The `ts` of a last will is the time the
 * car connected (the will is written then); the broker receive time in the Kafka headers tells
 * when the will fired. An empty retained payload clears the topic (not a status message).
 */
import { Type, type Static } from '@sinclair/typebox';
import { closed, EpochMs, StringEnum, Vin } from './common.js';

export const OFFLINE_REASONS = ['connection_lost', 'shutdown', 'sleep', 'maintenance'] as const;
export const POWERTRAINS = ['ice', 'hev', 'phev', 'bev'] as const;

const Text = (max: number, description: string) => Type.String({ minLength: 1, maxLength: max, description });

export const StatusOnlineSchema = Type.Object(
  {
    vin: Vin(),
    state: Type.Literal('online'),
    ts: EpochMs('when the car published this'),
    connectedAt: EpochMs('when the MQTT session was established'),
    firmware: Text(32, 'telematics unit firmware version'),
    make: Text(32, 'manufacturer'),
    model: Text(32, 'model name'),
    modelYear: Type.Integer({ minimum: 1980, maximum: 2100 }),
    powertrain: StringEnum(POWERTRAINS, 'ice combustion, hev hybrid, phev plug-in hybrid, bev battery electric'),
    codec: Type.Optional(StringEnum(['json', 'binary'] as const, 'codec the car uses for what it publishes')),
    plate: Type.Optional(Text(16, 'number plate, as registered (optional: not every car knows it)')),
  },
  closed,
);

export const StatusOfflineSchema = Type.Object(
  {
    vin: Vin(),
    state: Type.Literal('offline'),
    ts: EpochMs('when published, or when the last will was registered'),
    reason: StringEnum(OFFLINE_REASONS, 'connection_lost is the last will'),
  },
  closed,
);

export const StatusSchema = Type.Union([StatusOnlineSchema, StatusOfflineSchema]);

export type StatusOnline = Static<typeof StatusOnlineSchema>;
export type StatusOffline = Static<typeof StatusOfflineSchema>;
export type Status = Static<typeof StatusSchema>;
export type OfflineReason = (typeof OFFLINE_REASONS)[number];
export type Powertrain = (typeof POWERTRAINS)[number];

/** Variants by `state`, for the discriminated validator and the binary codec. */
export const statusVariants = { online: StatusOnlineSchema, offline: StatusOfflineSchema } as const;

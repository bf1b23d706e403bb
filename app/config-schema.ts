/**
 * The root config schema, assembled where the application is: the log, Kafka and simulator sections
 * and the backend's own (backend/config.ts), each owned by its area's file. A process loads it once
 * (core/config/load.ts) and passes the frozen result down; createBackend receives only the backend's
 * sections, and each of its roles only the sections it names.
 */
import { Type, type Static } from '@sinclair/typebox';
import { backendSections } from '../backend/config.js';
import { kafkaConfigSchema } from '../infra/kafka/config.js';
import { simConfigSchema } from '../simulator/config.js';

export const logConfigSchema = Type.Object(
  {
    level: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { default: 'info', description: 'log level (logs go to stderr)' },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const configSchema = Type.Object(
  {
    log: logConfigSchema,
    kafka: kafkaConfigSchema,
    sim: simConfigSchema,
    ...backendSections,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof configSchema>;

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
    format: Type.Union([Type.Literal('auto'), Type.Literal('pretty'), Type.Literal('json')], {
      default: 'auto',
      description: 'auto: readable lines at warn and above on a terminal, JSON lines otherwise; json: always JSON; pretty: always readable',
    }),
  },
  { additionalProperties: false, default: {} },
);

/** How `v2x up` and `v2x backend` lay the backend over processes (app/topology.ts, decision 0026). */
export const stackConfigSchema = Type.Object(
  {
    singleProcess: Type.Boolean({ default: false, description: 'every backend role in one process (no edges, no supervisor)' }),
    edges: Type.Integer({
      minimum: 0,
      maximum: 64,
      default: 0,
      description: 'edge processes (embedded broker + uplink); 0 = sized to the machine: max(1, floor(cores / 2))',
    }),
    instances: Type.Object(
      {
        geofencing: Type.Integer({
          minimum: 1,
          maximum: 32,
          default: 1,
          description: 'geofencing consumer-group members (the first in the services process)',
        }),
        traffic: Type.Integer({
          minimum: 1,
          maximum: 32,
          default: 1,
          description: 'traffic instances, sharing the cars (matching) and the roads (detection) (the first in the services process)',
        }),
        commands: Type.Integer({
          minimum: 1,
          maximum: 32,
          default: 1,
          description: 'command service instances with their downlink and API (the first in the services process)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    redisUrl: Type.String({
      default: '',
      description:
        'Redis the edges cluster through (redis://host:port); empty = a local redis-server started with the stack when there are several edges',
    }),
    fleetNice: Type.Integer({
      minimum: 0,
      maximum: 19,
      default: 0,
      description: "niceness of `v2x up`'s simulator process: the backend gets the cores first when the machine is full",
    }),
    servicesNice: Type.Integer({
      minimum: 0,
      maximum: 19,
      default: 5,
      description:
        'niceness of the services process and the workers (every process but the edges): the edges, which acknowledge the cars, get the cores first when the machine is full',
    }),
    restartMaxMs: Type.Integer({ minimum: 100, default: 30_000, description: 'longest wait before restarting a crashed backend process' }),
  },
  { additionalProperties: false, default: {} },
);

export const configSchema = Type.Object(
  {
    log: logConfigSchema,
    stack: stackConfigSchema,
    kafka: kafkaConfigSchema,
    sim: simConfigSchema,
    ...backendSections,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof configSchema>;

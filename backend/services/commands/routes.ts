/**
 * The command REST API, a fastify plugin registered under /api/v1 with its service in the options:
 *   POST   /vehicles/:vin/commands   operator   -> 202 {commandId, status} (200 on an idempotent replay)
 *   GET    /commands/:id             viewer     ?waitMs= holds the answer until the command is finished
 *   GET    /vehicles/:vin/commands   viewer     ?status=
 *   DELETE /commands/:id             operator   cancels a command not yet delivered (409 otherwise)
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { COMMAND_TYPES, isValidVin, validateCommandParams, type CommandType } from '../../../protocol/index.js';
import { Id, VinText } from '../../../protocol/schemas/common.js';
import { V2xError } from '../../../core/errors.js';
import { VinParams } from '../../api/params.js';
import { defineRoute, principalOf, registerRoutes, type ApiRoute } from '../../api/route.js';
import type { CommandService } from './service.js';
import { LIFECYCLE_STATES, type CommandSnapshot } from './types.js';

const Status = Type.Union(LIFECYCLE_STATES.map((s) => Type.Literal(s)));
const Snapshot = Type.Object(
  {
    commandId: Type.String(),
    vin: VinText(),
    type: Type.String(),
    params: Type.Record(Type.String(), Type.Unknown()),
    status: Status,
    createdAt: Type.Integer({ description: 'ms since epoch' }),
    expiresAt: Type.Integer(),
    updatedAt: Type.Integer(),
    principal: Type.String(),
    idempotencyKey: Type.Optional(Type.String()),
    sendCount: Type.Integer(),
    reason: Type.Optional(Type.String({ description: "the car's reason with FAILED and REJECTED" })),
    message: Type.Optional(Type.String()),
    result: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);
const IdParams = Type.Object({ id: Id('command id') }, { additionalProperties: false });
const ListQuery = Type.Object({ status: Type.Optional(Status) }, { additionalProperties: false });
const GetQuery = Type.Object(
  {
    waitMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60_000,
        description:
          'long poll: answer once the command is finished (SUCCEEDED, FAILED, REJECTED, TIMED_OUT, CANCELED) or after this many ms, whichever comes first',
      }),
    ),
  },
  { additionalProperties: false },
);
/** The body of a new command; the TTL's maximum is the configured commands.maxTtlSeconds. */
const createBody = (maxTtlSeconds: number) =>
  Type.Object(
    {
      type: Type.String({ description: `one of ${COMMAND_TYPES.join(', ')}` }),
      params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'per type, see the protocol catalogue' })),
      ttlSeconds: Type.Optional(
        Type.Integer({ minimum: 1, maximum: maxTtlSeconds, description: 'time to live; default commands.defaultTtlSeconds' }),
      ),
      idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    },
    { additionalProperties: false },
  );
const Accepted = Type.Object({ commandId: Type.String(), status: Status });

/** What the routes use of the command service (unit tests hand in a fake). */
export type CommandApi = Pick<CommandService, 'isKnownVin' | 'create' | 'get' | 'list' | 'cancel' | 'settled'>;

export interface CommandRoutesOptions {
  /** The service; throws NOT_READY (503) while it rebuilds its state. */
  readonly service: () => CommandApi;
  readonly defaultTtlSeconds: number;
  readonly maxTtlSeconds: number;
}

/** The plugin: register with `{ prefix: API_V1, ...CommandRoutesOptions }`. */
export const commandRoutes: FastifyPluginAsync<CommandRoutesOptions> = async (app, opts) => registerRoutes(app, commandApiRoutes(opts));

const notReady = 'the service is rebuilding its state from Kafka, or Kafka did not take the write (retry)';

export function commandApiRoutes(opts: CommandRoutesOptions): ApiRoute[] {
  const found = (vin: string): void => {
    if (!isValidVin(vin))
      throw new V2xError('VALIDATION_FAILED', `params.vin: not a valid VIN (${vin})`, {
        details: { field: 'params.vin', rule: 'VIN with a valid check digit' },
      });
    if (!opts.service().isKnownVin(vin)) throw new V2xError('VEHICLE_NOT_FOUND', vin, { details: { vin } });
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/vehicles/:vin/commands',
      summary: 'send a command to a car',
      tags: ['commands'],
      role: 'operator',
      params: VinParams,
      body: createBody(opts.maxTtlSeconds),
      responses: {
        202: { description: 'accepted', schema: Accepted },
        200: { description: 'idempotent replay', schema: Accepted },
        400: 'invalid type or params, or a VIN with a wrong check digit',
        404: 'unknown VIN',
        409: 'idempotencyKey used with another body',
        503: notReady,
      },
      async handler(req, reply) {
        const { vin } = req.params;
        found(vin);
        const params = req.body.params ?? {};
        const v = validateCommandParams(req.body.type, params);
        if (!v.ok) {
          const field = v.issue.code === 'COMMAND_UNKNOWN' ? 'type' : `params${v.issue.field.replace(/^command\.params/, '')}`;
          throw new V2xError(v.issue.code, `${field}: ${v.issue.rule}`, { details: { field, rule: v.issue.rule, value: v.issue.value } });
        }
        const ttlSeconds = req.body.ttlSeconds ?? opts.defaultTtlSeconds;
        const { snapshot, replay } = await opts.service().create({
          vin,
          type: req.body.type as CommandType,
          params: params as Record<string, unknown>,
          ttlSeconds,
          principal: principalOf(req).id,
          ...(req.body.idempotencyKey === undefined ? {} : { idempotencyKey: req.body.idempotencyKey }),
        });
        return reply.status(replay ? 200 : 202).send({ commandId: snapshot.commandId, status: snapshot.status });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/commands/:id',
      summary: 'one command and its lifecycle state',
      tags: ['commands'],
      role: 'viewer',
      params: IdParams,
      querystring: GetQuery,
      responses: {
        200: { description: 'the command (with waitMs: once finished, or its state when the wait ran out)', schema: Snapshot },
        400: 'waitMs is not an integer in 0..60000',
        404: 'no such command',
        503: notReady,
      },
      async handler(req, reply) {
        const service = opts.service();
        const now = get(service, req.params.id);
        const waitMs = req.query.waitMs ?? 0;
        if (waitMs === 0) return view(now);
        // a client that goes away stops its wait
        const gone = new AbortController();
        const onClose = (): void => gone.abort();
        reply.raw.once('close', onClose);
        try {
          return view((await service.settled(req.params.id, waitMs, gone.signal)) ?? now);
        } finally {
          reply.raw.off('close', onClose);
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/vehicles/:vin/commands',
      summary: "a car's commands, newest first",
      tags: ['commands'],
      role: 'viewer',
      params: VinParams,
      querystring: ListQuery,
      responses: {
        200: { description: 'the commands', schema: Type.Object({ commands: Type.Array(Snapshot) }) },
        400: 'not a valid VIN, or an unknown status',
        404: 'unknown VIN',
        503: notReady,
      },
      async handler(req) {
        found(req.params.vin);
        return { commands: opts.service().list(req.params.vin, req.query.status).map(view) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/commands/:id',
      summary: 'cancel a command the car has not received yet',
      tags: ['commands'],
      role: 'operator',
      params: IdParams,
      responses: {
        200: { description: 'canceled', schema: Snapshot },
        404: 'no such command',
        409: 'already delivered or finished',
        503: notReady,
      },
      async handler(req) {
        get(opts.service(), req.params.id);
        return view(await opts.service().cancel(req.params.id, principalOf(req).id));
      },
    }),
  ];
}

function get(service: CommandApi, id: string): CommandSnapshot {
  const s = service.get(id);
  if (s === undefined) throw new V2xError('COMMAND_NOT_FOUND', id, { details: { commandId: id } });
  return s;
}

/** The API view: the snapshot without the internal fingerprint. */
function view(s: CommandSnapshot): Omit<CommandSnapshot, 'fingerprint'> {
  const { fingerprint: _fp, ...rest } = s;
  return rest;
}

import cors from '@fastify/cors';
import type { Client, Connection } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { CalendarData } from '../../definitions/calendar';
import type { MigrationBatchSettings } from '../../workflows/definition-migration';
import { registerJwt, type AuthOptions } from '../auth/plugin';
import { registerRouteAuth } from '../auth/route-auth';
import { registerRateLimits } from '../edge/rate-limits';
import { createDepartmentDirectory } from '../services/department-directory';
import type { DefinitionService } from '../services/definitions';
import type { DepartmentService } from '../services/departments';
import { createIdentityKeyer } from '../services/identity-key';
import type { DraftService } from '../services/drafts';
import { createMigrationService } from '../services/migrations';
import { createPetitionService } from '../services/petitions';
import { createSupervisionService } from '../services/supervision';
import { calendarRoutes } from './calendar';
import { devTokenRoutes, type DevTokenRouteOptions } from './dev-token';
import { petitionFormRoutes } from './petition-forms';
import { definitionRoutes } from './definitions';
import { designerRoutes } from './designer';
import { departmentRoutes } from './departments';
import { migrationRoutes } from './migrations';
import { petitionRoutes } from './petitions';
import { reportRoutes } from './reports';
import { supervisionRoutes } from './supervision';

export interface ApiRouteOptions {
  client: Client;
  connection: Connection;
  namespace: string;
  taskQueue: string;
  auth: AuthOptions;
  /** The secret of the same-matter key (api/services/identity-key.ts). */
  identityKey: string;
  definitions?: DefinitionService;
  /** Designers' drafts of definitions (absent: the draft routes answer 503). */
  drafts?: DraftService;
  departments: DepartmentService;
  calendar: () => CalendarData;
  rateLimit: { max: number; addressMax: number; windowMs: number };
  /** Browser origins allowed to call `/v1` (CORS); empty: none. */
  corsOrigins: readonly string[];
  /** Bound on each Temporal call a request makes. */
  rpcTimeoutMs: number;
  now: () => Date;
  /** The console's role picker (embedded default only). */
  devSignIn?: DevTokenRouteOptions['devSignIn'];
  /** How definition migration batches pace themselves (default: workflows/definition-migration.ts). */
  migrationBatch?: Partial<MigrationBatchSettings>;
}

/**
 * Everything under `/v1`: zod validation and serialization, bearer tokens, rate limits (per client address before
 * verification, per verified caller after), CORS only for configured origins, and the resource routes, each
 * declaring who may call it (`config.auth`, checked before validation).
 */
export const apiRoutes: FastifyPluginAsync<ApiRouteOptions> = async (app, opts) => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  if (opts.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...opts.corsOrigins],
      methods: ['GET', 'POST', 'PUT'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-access-code', 'x-request-id'],
      exposedHeaders: ['location', 'retry-after', 'x-request-id'],
      maxAge: 600,
    });
  }
  const limitCaller = await registerRateLimits(app, opts.rateLimit);
  await registerJwt(app, opts.auth);
  // Definitions may be sent as YAML text; JSON stays the default for everything else.
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  const directory = createDepartmentDirectory(opts.departments);
  const petitions = createPetitionService({
    identity: createIdentityKeyer(opts.identityKey),
    client: opts.client,
    connection: opts.connection,
    taskQueue: opts.taskQueue,
    definitions: opts.definitions,
    directory,
    departments: opts.departments,
    calendar: opts.calendar,
    rpcTimeoutMs: opts.rpcTimeoutMs,
    now: opts.now,
  });
  const supervision = createSupervisionService({
    client: opts.client,
    connection: opts.connection,
    namespace: opts.namespace,
    rpcTimeoutMs: opts.rpcTimeoutMs,
    now: opts.now,
  });

  const migrations = createMigrationService({
    client: opts.client,
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    definitions: opts.definitions,
    calendar: opts.calendar,
    rpcTimeoutMs: opts.rpcTimeoutMs,
    now: opts.now,
    ...(opts.migrationBatch && { batch: opts.migrationBatch }),
  });

  registerRouteAuth(app, { petitionRecord: petitions.record });
  // After authentication (registered after it): counted against the verified caller.
  app.addHook('preValidation', limitCaller);

  await app.register(petitionRoutes, { petitions, supervision, directory });
  await app.register(supervisionRoutes, { supervision });
  await app.register(reportRoutes, { supervision, departments: opts.departments });
  await app.register(calendarRoutes, { calendar: opts.calendar });
  await app.register(definitionRoutes, { definitions: opts.definitions });
  await app.register(designerRoutes, {
    definitions: opts.definitions,
    drafts: opts.drafts,
    calendar: opts.calendar,
  });
  await app.register(migrationRoutes, { migrations });
  await app.register(departmentRoutes, { departments: opts.departments, supervision });
  await app.register(petitionFormRoutes, { petitions, definitions: opts.definitions, directory });
  await app.register(devTokenRoutes, { devSignIn: opts.devSignIn, departments: opts.departments });
};

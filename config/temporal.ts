import { readFileSync } from 'node:fs';
import { Client, Connection, type ClientOptions, type TLSConfig } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { DataConverter, SearchAttributeType } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Config } from './index';

/** What both `Connection` (client) and `NativeConnection` (worker) accept to reach the configured frontend. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

/** Builds connection options from the config, reading the TLS files named by TEMPORAL_TLS_*_PATH. */
export function temporalConnectionOptions(config: Pick<Config, 'temporal'>): TemporalConnectionOptions {
  const { address, tls, apiKey } = config.temporal;
  const options: TemporalConnectionOptions = { address };
  if (tls) {
    const tlsConfig: TLSConfig = {};
    if (tls.serverName) tlsConfig.serverNameOverride = tls.serverName;
    if (tls.caPath) tlsConfig.serverRootCACertificate = readFileSync(tls.caPath);
    if (tls.certPath && tls.keyPath) {
      tlsConfig.clientCertPair = { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) };
    }
    options.tls = Object.keys(tlsConfig).length > 0 ? tlsConfig : true;
  }
  if (apiKey) options.apiKey = apiKey;
  return options;
}

/**
 * A lazy client connection: nothing is dialled until the first call, so the API can start (and answer
 * `/readyz` with 503) while Temporal is still unreachable. `retry: false` drops the SDK's retry interceptor, whose
 * backoff outlives call deadlines and throws from a timer if the connection is closed meanwhile; probes want one
 * prompt answer instead.
 */
export function createLazyConnection(
  config: Pick<Config, 'temporal'>,
  opts: { retry?: boolean } = {},
): Connection {
  return Connection.lazy({
    ...temporalConnectionOptions(config),
    connectTimeout: '5s',
    ...(opts.retry === false && { interceptors: [] }),
  });
}

/**
 * A Temporal client for the configured namespace on the given connection. The data converter is required: every
 * client encrypts what it writes (config/data-converter.ts `dataConverterFromConfig`). `extra.interceptors`: tracing's, when on.
 */
export function createClient(
  config: Pick<Config, 'temporal'>,
  connection: Connection,
  dataConverter: DataConverter,
  extra: Pick<ClientOptions, 'interceptors'> = {},
): Client {
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter, ...extra });
}

/**
 * Registers the search attributes that the namespace lacks, through the operator service (for an existing
 * cluster; the embedded dev server gets them as start-up flags). Idempotent. Throws when an attribute exists with
 * another type, since a type cannot be changed in place.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  registrations: ReadonlyArray<{ name: string; type: SearchAttributeType }>,
  logger?: Logger,
): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const { name, type } of registrations) {
    const wanted = encodeSearchAttributeIndexedValueType(type);
    if (wanted === undefined) throw new Error(`Search attribute ${name} has an unknown type ${type}`);
    const present = existing[name];
    if (present === undefined) {
      missing[name] = wanted;
    } else if (present !== wanted) {
      throw new Error(
        `Search attribute ${name} exists in namespace "${namespace}" with another type (indexed value type ${present}, expected ${type}); ` +
          'remove or rename it on the cluster first.',
      );
    }
  }
  const names = Object.keys(missing);
  if (names.length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    logger?.info({ namespace, added: names }, 'registered missing search attributes');
  } else {
    logger?.debug({ namespace }, 'all search attributes already registered');
  }
  return names;
}

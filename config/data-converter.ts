/**
 * The one data converter of every Temporal client and worker of the product (API, worker, department workers,
 * scripts, bench, tests): the encrypting payload codec (config/payload-codec.ts) over the configured keyring
 * (config/payload-keys.ts), and the failure converter that moves failure messages into encrypted payloads
 * (config/failure-converter.cjs). Lint refuses a `new Client`, `Worker.create` or replay without a `dataConverter`.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Config } from './index';
import { EncryptionCodec } from './payload-codec';
import { readKeyFile, resolveKeyring, type Keyring } from './payload-keys';

/** Module with the `failureConverter` export; bundled into the workflow sandbox and required by clients and workers. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The data converter for a codec: what `new Client({ dataConverter })` and `Worker.create({ dataConverter })` take. */
export function createDataConverter(codec: EncryptionCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}

/**
 * The codec of this process from its configuration. A keyring read from a file is re-read when a payload names a key
 * id this process has not seen (a `npm run keys -- rotate` while it runs). Logs where the keys came from, never them.
 */
export function payloadCodecFromConfig(
  config: Pick<Config, 'payloadKeys' | 'dataDir' | 'temporal'>,
  logger?: Logger,
): EncryptionCodec {
  const keyring = resolveKeyring(config);
  if (keyring.kind === 'data-dir' && !config.temporal.embedded) {
    logger?.warn(
      { file: keyring.file },
      'payloads are encrypted with the keyring in DATA_DIR (the embedded default); every API and worker process must ' +
        'share one keyring: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE for a shared deployment',
    );
  }
  logger?.debug(
    { source: keyring.source, encryptingKey: keyring.keys[0]!.id, keys: keyring.keys.length },
    'payload keyring loaded',
  );
  const file = keyring.file;
  return new EncryptionCodec(keyring, file ? { reload: () => readKeyFile(file) } : {});
}

/** {@link createDataConverter} over {@link payloadCodecFromConfig}. */
export function dataConverterFromConfig(
  config: Pick<Config, 'payloadKeys' | 'dataDir' | 'temporal'>,
  logger?: Logger,
): { dataConverter: DataConverter; codec: EncryptionCodec } {
  const codec = payloadCodecFromConfig(config, logger);
  return { dataConverter: createDataConverter(codec), codec };
}

/** A data converter over a given keyring (tests, tools). */
export function dataConverterForKeyring(keyring: Keyring): {
  dataConverter: DataConverter;
  codec: EncryptionCodec;
} {
  const codec = new EncryptionCodec(keyring);
  return { dataConverter: createDataConverter(codec), codec };
}

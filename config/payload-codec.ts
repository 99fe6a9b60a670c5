/**
 * The payload codec: every payload a client or worker writes (workflow and activity inputs and results, update,
 * signal and query arguments and answers, memo, failure details and, with the failure converter of
 * config/failure-converter.cjs, failure messages) is compressed when large, then encrypted with AES-256-GCM under the
 * keyring's first key, with a fresh random 96-bit nonce per payload. Search attributes and workflow ids never pass
 * through a codec: they must carry no personal data (design settled points 5 and 10).
 *
 * Wire format of an encrypted payload: metadata `encoding: binary/encrypted`, `encryption-key-id: <id>`,
 * `encryption-cipher: AES-256-GCM`, and `compression: deflate` when compressed; data = nonce (12 bytes) ‖ ciphertext
 * ‖ GCM tag (16 bytes) over the protobuf encoding of the original payload (its metadata included). The key id, cipher
 * and compression flag are bound to the ciphertext as additional authenticated data, so none can be altered unseen.
 *
 * Payloads without `binary/encrypted` (written before the codec existed: the recorded replay fixtures, petitions
 * started earlier) pass through decode unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
// Default import: the package is CommonJS, and Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import type { Keyring, PayloadKey } from './payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
export const METADATA_COMPRESSION = 'compression';
export const CIPHER = 'AES-256-GCM';
/** Payloads at least this large (protobuf bytes) are deflated before encryption, when that makes them smaller. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

const { temporal } = proto;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const text = new TextEncoder();
const untext = new TextDecoder();

/** Thrown by decode when a payload cannot be decrypted; says which key id and why, never any payload bytes. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
  constructor(
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
  }
}

function aad(keyId: string, compression: string): Buffer {
  return Buffer.from(`${CIPHER}\n${keyId}\n${compression}`, 'utf8');
}

export interface EncryptionCodecOptions {
  /**
   * Called once when a payload names a key id the keyring lacks (at most every 5 s): a keyring read from a file may
   * have gained the key since this process started (rotation). Returns the fresh keys, or undefined.
   */
  reload?: () => PayloadKey[] | undefined;
  /** Compression threshold in bytes (default {@link COMPRESSION_THRESHOLD_BYTES}; `Infinity` disables). */
  compressAbove?: number;
}

/**
 * AES-256-GCM payload codec over a {@link Keyring}: the first key encrypts, every key decrypts. Key material lives in
 * private fields only, and `toJSON` names the key ids: the SDK logs a worker's options (its data converter included)
 * at debug level, and such a line must never carry a key.
 */
export class EncryptionCodec implements PayloadCodec {
  #keys: Map<string, Buffer>;
  #encryptor: PayloadKey;
  #source: string;
  #lastReload = 0;
  readonly #options: EncryptionCodecOptions;

  constructor(keyring: Keyring, options: EncryptionCodecOptions = {}) {
    if (keyring.keys.length === 0) throw new Error('A keyring needs at least one key');
    this.#keys = new Map(keyring.keys.map((k) => [k.id, k.key]));
    this.#encryptor = keyring.keys[0]!;
    this.#source = keyring.source;
    this.#options = options;
  }

  /** The id of the key that encrypts. */
  get encryptingKeyId(): string {
    return this.#encryptor.id;
  }

  /** Every key id that decrypts, encryptor first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** What a log line may show: the cipher, the key ids and where they came from. */
  toJSON(): { codec: string; source: string; encryptingKeyId: string; keyIds: string[] } {
    return {
      codec: CIPHER,
      source: this.#source,
      encryptingKeyId: this.encryptingKeyId,
      keyIds: this.keyIds,
    };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }

  /** Encrypts one payload under the current encrypting key. */
  encryptOne(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    let body: Uint8Array = plain;
    let compression = '';
    if (plain.length >= (this.#options.compressAbove ?? COMPRESSION_THRESHOLD_BYTES)) {
      const deflated = deflateRawSync(plain);
      if (deflated.length < plain.length) {
        body = deflated;
        compression = 'deflate';
      }
    }
    const { id, key } = this.#encryptor;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(id, compression));
    const data = Buffer.concat([nonce, cipher.update(body), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: text.encode(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: text.encode(id),
        [METADATA_CIPHER]: text.encode(CIPHER),
        ...(compression && { [METADATA_COMPRESSION]: text.encode(compression) }),
      },
      data,
    };
  }

  /** Decrypts one payload; a payload this codec did not write is returned unchanged. */
  decryptOne(payload: Payload): Payload {
    const meta = payload.metadata ?? {};
    const encoding = meta[METADATA_ENCODING_KEY];
    if (!encoding || untext.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyIdBytes = meta[METADATA_KEY_ID];
    if (!keyIdBytes) {
      throw new PayloadDecryptionError(
        `An encrypted payload carries no "${METADATA_KEY_ID}"; it cannot be decrypted`,
      );
    }
    const keyId = untext.decode(keyIdBytes);
    const cipherName = meta[METADATA_CIPHER] ? untext.decode(meta[METADATA_CIPHER]) : CIPHER;
    if (cipherName !== CIPHER) {
      throw new PayloadDecryptionError(
        `A payload encrypted with key "${keyId}" names cipher "${cipherName}"; only ${CIPHER} is supported`,
        keyId,
      );
    }
    const compression = meta[METADATA_COMPRESSION] ? untext.decode(meta[METADATA_COMPRESSION]) : '';
    if (compression !== '' && compression !== 'deflate') {
      throw new PayloadDecryptionError(
        `A payload encrypted with key "${keyId}" names compression "${compression}"; only deflate is supported`,
        keyId,
      );
    }
    const key = this.#keyFor(keyId);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < NONCE_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`A payload encrypted with key "${keyId}" is truncated`, keyId);
    }
    let body: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
      decipher.setAAD(aad(keyId, compression));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      body = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `A payload encrypted with key "${keyId}" failed authentication: the key listed under that id is not the one ` +
          'it was written with, or the payload was altered',
        keyId,
      );
    }
    const plain = compression === 'deflate' ? inflateRawSync(body) : body;
    return temporal.api.common.v1.Payload.decode(plain);
  }

  #keyFor(keyId: string): Buffer {
    const known = this.#keys.get(keyId);
    if (known) return known;
    const reload = this.#options.reload;
    if (reload && Date.now() - this.#lastReload > 5_000) {
      this.#lastReload = Date.now();
      const fresh = reload();
      if (fresh && fresh.length > 0) {
        this.#keys = new Map(fresh.map((k) => [k.id, k.key]));
        this.#encryptor = fresh[0]!;
        const found = this.#keys.get(keyId);
        if (found) return found;
      }
    }
    throw new PayloadDecryptionError(
      `A payload is encrypted with key "${keyId}", which the keyring (${this.#source}: ${this.keyIds.join(', ')}) ` +
        'does not hold: add that key to every process (docs/security.md, "Rotation")',
      keyId,
    );
  }
}

/** True when the payload was written by {@link EncryptionCodec}. */
export function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && untext.decode(encoding) === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names (undefined for others). */
export function payloadKeyId(payload: Payload): string | undefined {
  const id = payload.metadata?.[METADATA_KEY_ID];
  return isEncryptedPayload(payload) && id ? untext.decode(id) : undefined;
}

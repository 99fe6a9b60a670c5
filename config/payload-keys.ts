/**
 * The keyring of the payload codec (config/payload-codec.ts): which AES-256 keys exist, which one encrypts.
 *
 * Sources, in this order: `PAYLOAD_KEYS` (`id:base64key,id:base64key`), `PAYLOAD_KEY_FILE` (JSON or `id:base64key`
 * lines), or the embedded default's `DATA_DIR/payload-keys.json`, created (one key, mode 0600) on first use beside
 * the JWT secret. The order is explicit everywhere: **the first key encrypts, every listed key decrypts**. That is
 * what lets a key reach every decoder before it becomes the encryptor (docs/security.md, "Rotation").
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** One AES-256 key and the id written into every payload it encrypts. */
export interface PayloadKey {
  id: string;
  key: Buffer;
  /** When the key was generated (file keyrings only; informative). */
  createdAt?: string;
}

/** Keys in order: `keys[0]` encrypts, all decrypt. Never empty. */
export interface Keyring {
  keys: PayloadKey[];
  /** Where the keys came from, for logs and error messages (never the key material). */
  source: string;
}

/** A key id: short, printable, safe in metadata, file names and log lines. */
export const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Thrown when a key list or key file cannot be used; the message names the key and what is wrong, never its bytes. */
export class KeyringError extends Error {
  override name = 'KeyringError';
}

function decodeKey(id: string, text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new KeyringError(`${where}: key "${id}" is not base64 (32 random bytes, base64-encoded)`);
  }
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) {
    throw new KeyringError(`${where}: key "${id}" is ${key.length} bytes, need 32 (AES-256)`);
  }
  return key;
}

function checkIds(keys: PayloadKey[], where: string): void {
  if (keys.length === 0) throw new KeyringError(`${where}: no key given (at least one "id:base64key")`);
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (!keyIdPattern.test(id)) {
      throw new KeyringError(
        `${where}: key id "${id.slice(0, 70)}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      );
    }
    if (seen.has(id)) throw new KeyringError(`${where}: key id "${id}" is listed twice`);
    seen.add(id);
  }
}

/** Parses `id:base64key` entries separated by commas or line breaks (blank lines and `#` comments ignored). */
export function parseKeyList(text: string, where = 'PAYLOAD_KEYS'): PayloadKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.replace(/#.*$/, '').trim())
    .filter((e) => e.length > 0);
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new KeyringError(`${where}: entry ${i + 1} is not "id:base64key"`);
    }
    const id = entry.slice(0, colon).trim();
    return { id, key: decodeKey(id, entry.slice(colon + 1), where) };
  });
  checkIds(keys, where);
  return keys;
}

const keyFileSchema = z.object({
  keys: z
    .array(z.object({ id: z.string(), key: z.string(), createdAt: z.string().optional() }))
    .min(1, 'lists no key'),
});

/** Reads a key file: JSON `{ "keys": [{ "id", "key", "createdAt"? }] }` or `id:base64key` lines; first key encrypts. */
export function readKeyFile(file: string): PayloadKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KeyringError(`Cannot read the payload key file ${file}: ${(err as Error).message}`);
  }
  if (!text.trimStart().startsWith('{')) return parseKeyList(text, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyringError(`${file}: not valid JSON (expected { "keys": [{ "id": "…", "key": "base64" }] })`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KeyringError(
      `${file}: ${issue.path.join('.') || '(file)'} ${issue.message} (expected { "keys": [{ "id": "…", "key": "base64" }] })`,
    );
  }
  const keys = parsed.data.keys.map((k) => ({
    id: k.id,
    key: decodeKey(k.id, k.key, file),
    ...(k.createdAt !== undefined && { createdAt: k.createdAt }),
  }));
  checkIds(keys, file);
  return keys;
}

/** Writes a JSON key file atomically with mode 0600 (temp file, then rename). */
export function writeKeyFile(file: string, keys: PayloadKey[]): void {
  checkIds(keys, file);
  mkdirSync(path.dirname(file), { recursive: true });
  const body = {
    keys: keys.map((k) => ({
      id: k.id,
      key: k.key.toString('base64'),
      ...(k.createdAt !== undefined && { createdAt: k.createdAt }),
    })),
  };
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** A fresh key with an id that sorts by generation and cannot collide with another keyring's (`k3-9f2c1a`). */
export function generateKey(existing: readonly PayloadKey[] = [], now = new Date()): PayloadKey {
  const highest = Math.max(0, ...existing.map((k) => Number(/^k(\d+)-/.exec(k.id)?.[1] ?? 0)));
  return {
    id: `k${highest + 1}-${randomBytes(3).toString('hex')}`,
    key: randomBytes(32),
    createdAt: now.toISOString(),
  };
}

/** Where the embedded default keeps its keyring. */
export function defaultKeyFilePath(dataDir: string): string {
  return path.join(dataDir, 'payload-keys.json');
}

/**
 * The embedded default's keyring file: read, or created with one fresh key (mode 0600) when absent. Created with
 * `wx`, so the worker, the API and scripts racing on a fresh data directory agree on one key.
 */
export function loadOrCreateKeyFile(dataDir: string): PayloadKey[] {
  const file = defaultKeyFilePath(dataDir);
  try {
    statSync(file);
    return readKeyFile(file);
  } catch (err) {
    if (err instanceof KeyringError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = generateKey();
  const body = { keys: [{ id: key.id, key: key.key.toString('base64'), createdAt: key.createdAt }] };
  try {
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyFile(file);
}

/** What the configuration says about keys (config/index.ts fills it from PAYLOAD_KEYS / PAYLOAD_KEY_FILE). */
export interface PayloadKeyConfig {
  /** Parsed PAYLOAD_KEYS. */
  keys?: PayloadKey[];
  /** PAYLOAD_KEY_FILE. */
  file?: string;
}

/**
 * Resolves the keyring of a process: PAYLOAD_KEYS, else PAYLOAD_KEY_FILE, else `DATA_DIR/payload-keys.json` (created
 * on first use). Throws {@link KeyringError} with a message a person can act on.
 */
export function resolveKeyring(config: { payloadKeys: PayloadKeyConfig; dataDir: string }): Keyring & {
  kind: 'env' | 'file' | 'data-dir';
  /** The file the keys were read from, for a re-read when an unknown key id turns up (rotation without restart). */
  file?: string;
} {
  const { keys, file } = config.payloadKeys;
  if (keys) return { keys, source: 'PAYLOAD_KEYS', kind: 'env' };
  if (file) return { keys: readKeyFile(file), source: file, kind: 'file', file };
  const dataFile = defaultKeyFilePath(config.dataDir);
  return { keys: loadOrCreateKeyFile(config.dataDir), source: dataFile, kind: 'data-dir', file: dataFile };
}

/** A keyring of one random key, for tests and tools that need a throwaway one. */
export function ephemeralKeyring(id = 'ephemeral'): Keyring {
  return { keys: [{ id, key: randomBytes(32) }], source: 'ephemeral' };
}

/** `id:base64` for PAYLOAD_KEYS. */
export function formatKeyList(keys: readonly PayloadKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

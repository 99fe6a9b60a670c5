/**
 * `npm run keys -- COMMAND`: the payload keyring (config/payload-keys.ts) and the files we keep encrypted with it.
 * Never prints key material, except `generate`, whose output is meant for PAYLOAD_KEYS. See docs/security.md.
 */
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfigOrExit } from '../config';
import { EncryptionCodec, isEncryptedPayload, payloadKeyId } from '../config/payload-codec';
import {
  isSealedFile,
  openSealedJson,
  payloadFromJson,
  payloadToJson,
  type JsonPayload,
} from '../config/payload-json';
import {
  defaultKeyFilePath,
  formatKeyList,
  generateKey,
  KeyringError,
  loadOrCreateKeyFile,
  readKeyFile,
  resolveKeyring,
  writeKeyFile,
  type PayloadKey,
} from '../config/payload-keys';

const usage = `usage: npm run keys -- COMMAND
  list                 the keys (ids, which one encrypts, where they come from)
  rotate               add a new key that encrypts from now on (key file / embedded default)
  add                  add a new key that only decrypts for now (first step of a staged roll)
  promote ID           make key ID the one that encrypts
  remove ID            drop key ID (only once nothing written with it is kept anywhere)
  generate             print a new "id:base64key" for PAYLOAD_KEYS
  re-encrypt [PATH…]   re-encrypt every encrypted payload in exported histories (JSON) and sealed files (the
                       archive) with the encrypting key; default PATH: DATA_DIR/archive
  decrypt FILE         print a sealed file (archive), or an exported history with every payload shown as its
                       encoding and value (for reading; not a history to re-import)
The first key encrypts; every key decrypts. Restart the API and workers after changing the keyring.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`);
}
const [command, ...rest] = parsed.positionals;
if (parsed.values.help || !command) {
  process.stdout.write(`${usage}\n`);
  process.exit(command || parsed.values.help ? 0 : 2);
}

const config = loadConfigOrExit();

/** The key file this deployment edits: PAYLOAD_KEY_FILE or the embedded default's; refuses with PAYLOAD_KEYS. */
function keyFile(): string {
  if (config.payloadKeys.keys) {
    fail(
      'The keys come from PAYLOAD_KEYS, which this script cannot change. Roll a new key across processes instead:\n' +
        '  1. npm run -s keys -- generate   → a new "id:base64key"\n' +
        '  2. append it to PAYLOAD_KEYS on every API and worker (decrypts only), restart them all\n' +
        '  3. move it to the front of PAYLOAD_KEYS everywhere (it now encrypts), restart them all\n' +
        '(docs/security.md, "Rotation")',
    );
  }
  if (config.payloadKeys.file) return config.payloadKeys.file;
  const file = defaultKeyFilePath(config.dataDir);
  loadOrCreateKeyFile(config.dataDir);
  return file;
}

function describe(keys: readonly PayloadKey[]): string {
  return keys
    .map(
      (k, i) =>
        `  ${k.id.padEnd(20)} ${i === 0 ? 'encrypts and decrypts' : 'decrypts'}${k.createdAt ? `   created ${k.createdAt}` : ''}`,
    )
    .join('\n');
}

function save(file: string, keys: PayloadKey[], what: string): void {
  writeKeyFile(file, keys);
  process.stdout.write(
    `${what}\n${file}:\n${describe(keys)}\nRestart the API and the workers so that every process reads it.\n`,
  );
}

/** Every payload object in a JSON document (history exports, sealed files): `{ metadata: { encoding… }, data }`. */
function* payloadsIn(node: unknown): Generator<JsonPayload & { metadata: Record<string, string> }> {
  if (Array.isArray(node)) {
    for (const item of node) yield* payloadsIn(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const metadata = obj['metadata'];
  if (
    metadata &&
    typeof metadata === 'object' &&
    typeof (metadata as Record<string, unknown>)['encoding'] === 'string'
  ) {
    yield obj as unknown as JsonPayload & { metadata: Record<string, string> };
    return;
  }
  for (const value of Object.values(obj)) yield* payloadsIn(value);
}

function jsonFiles(target: string): string[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return fail(`${target}: no such file or folder`, 1);
  }
  if (!stat.isDirectory()) return [target];
  return readdirSync(target, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(target, f));
}

async function reEncrypt(codec: EncryptionCodec, targets: string[]): Promise<void> {
  const files = targets.flatMap(jsonFiles);
  const before = new Map<string, number>();
  let changedFiles = 0;
  let payloads = 0;
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      process.stderr.write(`skipped ${file}: not JSON\n`);
      continue;
    }
    let changed = false;
    for (const p of payloadsIn(json)) {
      const payload = payloadFromJson(p);
      if (!isEncryptedPayload(payload)) continue;
      const id = payloadKeyId(payload)!;
      before.set(id, (before.get(id) ?? 0) + 1);
      if (id === codec.encryptingKeyId) continue;
      const again = payloadToJson(codec.encryptOne(codec.decryptOne(payload)));
      p.metadata = again.metadata!;
      p.data = again.data;
      changed = true;
      payloads++;
    }
    if (changed) {
      const mode = statSync(file).mode & 0o777;
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(json, null, 2)}\n`, { mode });
      renameSync(temp, file);
      changedFiles++;
    }
  }
  const found = [...before].map(([id, n]) => `${id} ×${n}`).join(', ') || 'none';
  process.stdout.write(
    `${files.length} file(s) read; encrypted payloads found: ${found}.\n` +
      `Re-encrypted ${payloads} payload(s) in ${changedFiles} file(s) with key ${codec.encryptingKeyId}.\n`,
  );
}

async function decrypt(codec: EncryptionCodec, file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const json = JSON.parse(text) as unknown;
  if (isSealedFile(json)) {
    process.stdout.write(`${JSON.stringify(await openSealedJson(codec, text), null, 2)}\n`);
    return;
  }
  // For reading, not for re-import: each payload becomes its encoding and its value.
  for (const p of payloadsIn(json)) {
    const clear = codec.decryptOne(payloadFromJson(p));
    const encoding = Buffer.from(clear.metadata?.['encoding'] ?? new Uint8Array()).toString('utf8');
    const readable = p as unknown as Record<string, unknown>;
    delete readable['metadata'];
    delete readable['data'];
    readable['encoding'] = encoding;
    readable['value'] =
      encoding === 'json/plain'
        ? defaultPayloadConverter.fromPayload(clear)
        : Buffer.from(clear.data ?? []).toString('base64');
  }
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

try {
  switch (command) {
    case 'list': {
      const keyring = resolveKeyring(config);
      process.stdout.write(`${keyring.source}:\n${describe(keyring.keys)}\n`);
      break;
    }
    case 'generate':
      process.stdout.write(`${formatKeyList([generateKey()])}\n`);
      break;
    case 'rotate': {
      const file = keyFile();
      const keys = readKeyFile(file);
      const fresh = generateKey(keys);
      save(
        file,
        [fresh, ...keys],
        `Key ${fresh.id} encrypts from now on; ${keys.map((k) => k.id).join(', ')} still decrypt.`,
      );
      break;
    }
    case 'add': {
      const file = keyFile();
      const keys = readKeyFile(file);
      const fresh = generateKey(keys);
      save(
        file,
        [...keys, fresh],
        `Key ${fresh.id} added; it decrypts only until promoted (npm run keys -- promote ${fresh.id}).`,
      );
      break;
    }
    case 'promote':
    case 'remove': {
      const id = rest[0] ?? fail(`${command} needs a key id\n${usage}`);
      const file = keyFile();
      const keys = readKeyFile(file);
      const key =
        keys.find((k) => k.id === id) ??
        fail(`${file} holds no key "${id}" (it has ${keys.map((k) => k.id).join(', ')})`, 1);
      if (command === 'promote') {
        save(file, [key, ...keys.filter((k) => k !== key)], `Key ${id} encrypts from now on.`);
      } else {
        if (keys[0] === key) fail(`Key ${id} is the one that encrypts; promote another first.`, 1);
        save(
          file,
          keys.filter((k) => k !== key),
          `Key ${id} removed. Payloads written with it (histories within retention, backups, exports) can no longer be read.`,
        );
      }
      break;
    }
    case 're-encrypt': {
      const keyring = resolveKeyring(config);
      await reEncrypt(
        new EncryptionCodec(keyring),
        rest.length > 0 ? rest : [path.join(config.dataDir, 'archive')],
      );
      break;
    }
    case 'decrypt': {
      const file = rest[0] ?? fail(`decrypt needs a file\n${usage}`);
      await decrypt(new EncryptionCodec(resolveKeyring(config)), file);
      break;
    }
    default:
      fail(`unknown command "${command}"\n${usage}`);
  }
} catch (err) {
  if (err instanceof KeyringError || (err as Error).name === 'PayloadDecryptionError')
    fail((err as Error).message, 1);
  throw err;
}

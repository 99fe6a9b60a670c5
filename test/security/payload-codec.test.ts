/**
 * The payload codec and its keyring without a server: AES-256-GCM with a fresh nonce per payload, the key id in the
 * metadata, compression before encryption, rotation, and payloads written before the codec passing through.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { EncryptionCodec, PayloadDecryptionError } from '../../config/payload-codec';
import { openSealedJson, sealJson } from '../../config/payload-json';
import {
  defaultKeyFilePath,
  formatKeyList,
  generateKey,
  loadOrCreateKeyFile,
  parseKeyList,
  readKeyFile,
  resolveKeyring,
  writeKeyFile,
  type PayloadKey,
} from '../../config/payload-keys';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const text = (p: Payload, k: string) => new TextDecoder().decode(p.metadata![k]!);
const petition = {
  petitioner: { name: '王标记', phone: '13912345678', idNumber: '110101199001011234' },
  content: '反映小区供暖问题。'.repeat(3),
};

describe('EncryptionCodec', () => {
  const k1 = key('k1');
  const codec = new EncryptionCodec({ keys: [k1], source: 'test' });

  it('encrypts a payload with the first key, names the key in the metadata, and decrypts it back', async () => {
    const clear = defaultPayloadConverter.toPayload(petition);
    const [sealed] = await codec.encode([clear]);
    expect(text(sealed!, METADATA_ENCODING_KEY)).toBe('binary/encrypted');
    expect(text(sealed!, 'encryption-key-id')).toBe('k1');
    expect(text(sealed!, 'encryption-cipher')).toBe('AES-256-GCM');
    expect(Buffer.from(sealed!.data!).toString('utf8')).not.toContain('13912345678');
    const [back] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual(petition);
    expect(text(back!, METADATA_ENCODING_KEY)).toBe('json/plain');
  });

  it('never shows its keys when serialised (the SDK logs worker options at debug level)', () => {
    const shown = JSON.stringify({ dataConverter: { payloadCodecs: [codec] } });
    expect(shown).toContain('"encryptingKeyId":"k1"');
    expect(shown).not.toContain(k1.key.toString('base64'));
    expect(shown).not.toContain(JSON.stringify([...k1.key]).slice(1, -1));
    expect(Object.keys(codec)).toEqual([]);
  });

  it('uses a fresh random nonce for every payload: the same value never encrypts to the same bytes', async () => {
    const clear = defaultPayloadConverter.toPayload(petition);
    const out = await codec.encode([clear, clear, clear]);
    const nonces = out.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex'));
    expect(new Set(nonces).size).toBe(3);
    expect(new Set(out.map((p) => Buffer.from(p.data!).toString('hex'))).size).toBe(3);
  });

  it('compresses a payload of 1 KiB or more before encrypting it and flags it in the metadata', async () => {
    const big = defaultPayloadConverter.toPayload({ ...petition, content: '供暖不达标。'.repeat(400) });
    const small = defaultPayloadConverter.toPayload({ a: 1 });
    const [bigSealed, smallSealed] = await codec.encode([big, small]);
    expect(text(bigSealed!, 'compression')).toBe('deflate');
    expect(bigSealed!.data!.length).toBeLessThan(big.data!.length / 4);
    expect(smallSealed!.metadata!['compression']).toBeUndefined();
    const [back] = await codec.decode([bigSealed!]);
    expect(Buffer.from(back!.data!).equals(Buffer.from(big.data!))).toBe(true);
  });

  it('passes payloads without its metadata through decode unchanged (histories written before the codec)', async () => {
    const clear = defaultPayloadConverter.toPayload(petition);
    const nothing = defaultPayloadConverter.toPayload(undefined);
    const [a, b] = await codec.decode([clear, nothing]);
    expect(a).toBe(clear);
    expect(b).toBe(nothing);
  });

  it('refuses a payload encrypted with a key the keyring lacks, naming that key id', async () => {
    const [sealed] = await new EncryptionCodec({ keys: [key('k0-retired')], source: 'old' }).encode([
      defaultPayloadConverter.toPayload(petition),
    ]);
    const failure = await codec.decode([sealed!]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PayloadDecryptionError);
    expect((failure as Error).message).toContain('"k0-retired"');
    expect((failure as Error).message).toContain('test: k1');
  });

  it('detects tampering with the data, the key id or the compression flag (GCM tag over data and metadata)', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(petition)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20]! ^= 1;
    const withFlag = {
      ...sealed!,
      metadata: { ...sealed!.metadata, compression: new TextEncoder().encode('deflate') },
    };
    const twin = new EncryptionCodec({ keys: [{ id: 'k1-twin', key: k1.key }], source: 't' });
    const renamed = {
      ...sealed!,
      metadata: { ...sealed!.metadata, 'encryption-key-id': new TextEncoder().encode('k1-twin') },
    };
    for (const bad of [{ ...sealed!, data: flipped }, withFlag]) {
      await expect(codec.decode([bad])).rejects.toThrow(/key "k1" failed authentication/);
    }
    await expect(twin.decode([renamed])).rejects.toThrow(/key "k1-twin" failed authentication/);
  });

  it('after a rotation encrypts with the new key and still reads what the old one wrote', async () => {
    const k2 = key('k2');
    const [old] = await codec.encode([defaultPayloadConverter.toPayload('written with k1')]);
    const rotated = new EncryptionCodec({ keys: [k2, k1], source: 'rotated' });
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('written with k2')]);
    expect(text(fresh!, 'encryption-key-id')).toBe('k2');
    const both = await rotated.decode([old!, fresh!]);
    expect(both.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      'written with k1',
      'written with k2',
    ]);
    await expect(codec.decode([fresh!])).rejects.toThrow(/"k2"/);
  });

  it('re-reads a key file once when a payload names a key it has not seen (a rotation while running)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keys-'));
    const file = path.join(dir, 'keys.json');
    const [a, b] = [generateKey(), generateKey([generateKey()])];
    writeKeyFile(file, [a]);
    const running = new EncryptionCodec(
      { keys: readKeyFile(file), source: file },
      { reload: () => readKeyFile(file) },
    );
    writeKeyFile(file, [b, a]);
    const [byNewer] = await new EncryptionCodec({ keys: [b, a], source: 'other process' }).encode([
      defaultPayloadConverter.toPayload(1),
    ]);
    const [back] = await running.decode([byNewer!]);
    expect(defaultPayloadConverter.fromPayload(back!)).toBe(1);
    expect(running.encryptingKeyId).toBe(b.id);
  });

  it('seals a file (the archive) so that only the keyring opens it', async () => {
    const sealed = await sealJson(codec, 'archive', petition);
    expect(sealed).not.toContain('13912345678');
    expect(sealed).not.toContain('王标记');
    expect(await openSealedJson(codec, sealed)).toEqual(petition);
    await expect(
      openSealedJson(new EncryptionCodec({ keys: [key('k9')], source: 'x' }), sealed),
    ).rejects.toThrow(/"k1"/);
  });
});

describe('the keyring from configuration', () => {
  const b64 = (n: number) => randomBytes(n).toString('base64');

  it('reads PAYLOAD_KEYS in order: the first key encrypts, every key decrypts', () => {
    const config = loadConfig({ PAYLOAD_KEYS: `k2:${b64(32)}, k1:${b64(32)}` });
    expect(config.payloadKeys.keys!.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(resolveKeyring(config)).toMatchObject({ kind: 'env', source: 'PAYLOAD_KEYS' });
  });

  it.each([
    [`k1:${b64(16)}`, 'PAYLOAD_KEYS: key "k1" is 16 bytes, need 32 (AES-256)'],
    [`k1:${b64(32)},k1:${b64(32)}`, 'PAYLOAD_KEYS: key id "k1" is listed twice'],
    [`${b64(32)}`, 'PAYLOAD_KEYS: entry 1 is not "id:base64key"'],
    ['k1:not base64!', 'PAYLOAD_KEYS: key "k1" is not base64'],
    [`bad id:${b64(32)}`, 'PAYLOAD_KEYS: key id "bad id" must be 1-64 letters'],
  ])('refuses PAYLOAD_KEYS=%s with a message naming the key, never its bytes', (value, message) => {
    let error: unknown;
    try {
      loadConfig({ PAYLOAD_KEYS: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    const material = value.split(':').slice(1).join(':').split(',')[0]!;
    if (material.length > 8) expect((error as Error).message).not.toContain(material);
  });

  it('refuses PAYLOAD_KEYS together with PAYLOAD_KEY_FILE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keys-'));
    const file = path.join(dir, 'k.txt');
    writeFileSync(file, `k1:${b64(32)}\n`);
    expect(() => loadConfig({ PAYLOAD_KEYS: `k1:${b64(32)}`, PAYLOAD_KEY_FILE: file })).toThrow(
      'PAYLOAD_KEYS and PAYLOAD_KEY_FILE exclude each other',
    );
  });

  it('reads a key file as JSON or as "id:base64key" lines with comments, first key first', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keys-'));
    const lines = path.join(dir, 'keys.txt');
    writeFileSync(lines, `# newest first\nk2:${b64(32)}\n\nk1:${b64(32)}  # the first key\n`);
    expect(readKeyFile(lines).map((k) => k.id)).toEqual(['k2', 'k1']);
    const json = path.join(dir, 'keys.json');
    writeKeyFile(json, [key('a'), key('b')]);
    expect(readKeyFile(json).map((k) => k.id)).toEqual(['a', 'b']);
    writeFileSync(json, '{"keys":[]}');
    expect(() => readKeyFile(json)).toThrow(/keys lists no key/);
    const config = loadConfig({ PAYLOAD_KEY_FILE: lines });
    expect(resolveKeyring(config)).toMatchObject({ kind: 'file', file: lines });
  });

  it('creates the embedded default keyring under DATA_DIR with mode 0600 on first use, and keeps it after', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'data-'));
    const first = resolveKeyring(loadConfig({ DATA_DIR: dataDir }));
    const file = defaultKeyFilePath(dataDir);
    expect(first).toMatchObject({ kind: 'data-dir', file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]!.id).toMatch(/^k1-[0-9a-f]{6}$/);
    expect(loadOrCreateKeyFile(dataDir)[0]!.key.equals(first.keys[0]!.key)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).keys[0].id).toBe(first.keys[0]!.id);
  });

  it('formats a keyring back to PAYLOAD_KEYS', () => {
    const keys = [key('x'), key('y')];
    expect(parseKeyList(formatKeyList(keys)).map((k) => k.key.toString('hex'))).toEqual(
      keys.map((k) => k.key.toString('hex')),
    );
  });
});

describe('the codec server’s Web UI origins from configuration', () => {
  it('allows the embedded dev server’s own UI by default, none for an existing cluster, or TEMPORAL_UI_ORIGINS', () => {
    expect(loadConfig({ TEMPORAL_UI_PORT: '18233' }).codec.allowedOrigins).toEqual([
      'http://127.0.0.1:18233',
      'http://localhost:18233',
    ]);
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233' }).codec.allowedOrigins).toEqual([]);
    expect(
      loadConfig({ TEMPORAL_UI_ORIGINS: 'https://ui.example.gov.cn/, https://ui2.example.gov.cn:8443' }).codec
        .allowedOrigins,
    ).toEqual(['https://ui.example.gov.cn', 'https://ui2.example.gov.cn:8443']);
    expect(() => loadConfig({ TEMPORAL_UI_ORIGINS: 'https://ui.example.gov.cn/path' })).toThrow(
      /TEMPORAL_UI_ORIGINS must be comma-separated origins/,
    );
  });
});

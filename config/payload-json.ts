/**
 * Payloads as JSON, the way Temporal's remote codec protocol and the Web UI carry them (`{ metadata: { key: base64 },
 * data: base64 }`), and sealed JSON files: a value encoded by the product's data converter, so a file we keep (the
 * archive) is encrypted like the histories and re-encrypted by `npm run keys -- re-encrypt`.
 */
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';

/** A payload in proto3 JSON form: metadata values and data base64-encoded. */
export interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

/** Proto JSON → payload. Throws on base64 that is not base64. */
export function payloadFromJson(json: JsonPayload): Payload {
  const bytes = (value: string, where: string): Uint8Array => {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new TypeError(`${where} is not base64`);
    return Buffer.from(value, 'base64');
  };
  return {
    metadata: Object.fromEntries(
      Object.entries(json.metadata ?? {}).map(([k, v]) => [k, bytes(v, `metadata "${k.slice(0, 64)}"`)]),
    ),
    ...(json.data !== undefined && json.data !== null && { data: bytes(json.data, 'data') }),
  };
}

/** Payload → proto JSON. */
export function payloadToJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v ?? new Uint8Array()).toString('base64'),
      ]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/** The marker of a sealed file's JSON, so tools recognise one. */
export const SEALED_FORMAT = 'petition-sealed/v1';

/** A sealed file's content: what it holds, and the encrypted payload. */
export interface SealedFile {
  format: typeof SEALED_FORMAT;
  /** What kind of record this is (e.g. `archive`), in clear: never personal data. */
  kind: string;
  payload: JsonPayload;
}

/** Encodes `value` with the default payload converter and the codec, as a sealed file's text. */
export async function sealJson(codec: PayloadCodec, kind: string, value: unknown): Promise<string> {
  const [payload] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  const sealed: SealedFile = { format: SEALED_FORMAT, kind, payload: payloadToJson(payload!) };
  return `${JSON.stringify(sealed, null, 2)}\n`;
}

/** True when the parsed JSON is a sealed file. */
export function isSealedFile(json: unknown): json is SealedFile {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === SEALED_FORMAT;
}

/** Decrypts a sealed file's text back to its value. */
export async function openSealedJson<T = unknown>(codec: PayloadCodec, text: string): Promise<T> {
  const json = JSON.parse(text) as unknown;
  if (!isSealedFile(json)) throw new TypeError(`not a sealed file (format "${SEALED_FORMAT}")`);
  const [payload] = await codec.decode([payloadFromJson(json.payload)]);
  return defaultPayloadConverter.fromPayload<T>(payload!);
}

import { itemNode, narrow, propertyNode, type SchemaNode } from '../../definitions/bpmn/schema-nodes';

/**
 * Fills every property the language's JSON Schema allows into a definition, with random values (seeded), so the BPMN
 * round trip is tried on every field — including ones added to the schema after this was written. Ids,
 * discriminators and graph references stay as they are (the mapping's structure is tested elsewhere); everything
 * else is replaced or added: strings with markup, line breaks and spaces, lists whose items are not plain tokens,
 * numbers of every sign, new record entries.
 */
const KEEP = new Set(['id', 'type', 'kind', 'from', 'to', 'diagram']);

const STRINGS = [
  'x',
  ' ',
  '',
  'line one\nline two\n',
  '  padded both sides  ',
  'tab\there',
  '<b>&amp;</b> "double" \'single\'',
  ']]> & <!-- not a comment -->',
  '中文，全角标点。',
  'emoji 😀',
  'two  spaces',
  'crlf\r\nline',
  '{{petition.subject}}',
  '=starts with an equals sign',
  '["looks", "like", "json"]',
];

const PATTERNS: Record<string, (r: () => number) => string> = {
  '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$': (r) =>
    `${pick(r, [...'abcxyz'])}${word(r, 'abc019', 4)}${r() < 0.5 ? `-${pick(r, [...'q7'])}${word(r, 'z3', 2)}` : ''}`,
  '^[A-Za-z][A-Za-z0-9]*$': (r) => `${pick(r, [...'aZq'])}${word(r, 'bY09', 5)}`,
};

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const word = (r: () => number, chars: string, max: number) =>
  Array.from({ length: Math.floor(r() * (max + 1)) }, () => pick(r, [...chars])).join('');
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

type Node = SchemaNode & {
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  propertyNames?: SchemaNode & { pattern?: string };
};

function generate(node: Node | undefined, r: () => number): unknown {
  const options = node?.oneOf ?? node?.anyOf;
  const n = (options ? pick(r, options) : node) as Node | undefined;
  if (!n) throw new Error('fill.ts: a schema node it cannot read');
  if (n.const !== undefined) return n.const;
  if (n.enum) return pick(r, n.enum);
  const type = Array.isArray(n.type) ? n.type.find((t) => t !== 'null') : n.type;
  switch (type) {
    case 'string': {
      if (n.pattern) {
        const make = PATTERNS[n.pattern];
        if (!make) throw new Error(`fill.ts: teach it strings matching ${n.pattern}`);
        return make(r);
      }
      const fitting = STRINGS.filter((s) => s.length >= (n.minLength ?? 0));
      return r() < 0.7 ? pick(r, fitting) : `${pick(r, fitting)}${word(r, 'aé 字\n', 6)}`;
    }
    case 'integer': {
      const low = n.minimum ?? (n.exclusiveMinimum !== undefined ? n.exclusiveMinimum + 1 : -50);
      const high = Math.min(n.maximum ?? low + 100, low + 100);
      return low + Math.floor(r() * (high - low + 1));
    }
    case 'number':
      return Math.round((r() * 2000 - 1000) * 1000) / 1000;
    case 'boolean':
      return r() < 0.5;
    case 'array': {
      const count = (n.minItems ?? 0) + 1 + Math.floor(r() * 2);
      return Array.from({ length: count }, () => generate(itemNode(n) as Node, r));
    }
    case 'object': {
      if (n.properties) {
        const out: Record<string, unknown> = {};
        for (const [key, p] of Object.entries(n.properties))
          out[key] = generate(propertyNode(n, key) ?? p, r);
        return out;
      }
      const key = generate({ type: 'string', ...(n.propertyNames ?? {}) } as Node, r) as string;
      return { [key || 'k']: generate(itemNode(n) as Node, r) };
    }
    default:
      throw new Error(`fill.ts: a schema type it cannot generate (${JSON.stringify(n.type)})`);
  }
}

function fill(value: unknown, schema: SchemaNode | undefined, r: () => number): unknown {
  const node = narrow(schema, value) as Node | undefined;
  if (Array.isArray(value)) {
    const item = itemNode(node);
    const ofObjects = value.some(isObject);
    if (ofObjects) return value.map((v) => fill(v, item, r));
    return r() < 0.6 ? generate(node, r) : value;
  }
  if (!isObject(value)) return r() < 0.5 ? generate(node, r) : value;
  if (node?.properties) {
    const out: Record<string, unknown> = { ...value };
    for (const key of Object.keys(node.properties)) {
      if (KEEP.has(key)) continue;
      const p = propertyNode(node, key);
      out[key] = value[key] === undefined ? generate(p as Node, r) : fill(value[key], p, r);
    }
    return out;
  }
  const entry = itemNode(node);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = fill(v, entry, r);
  const key = generate({ type: 'string', ...(node?.propertyNames ?? {}) } as Node, r) as string;
  if (!(key in out)) out[key] = generate(entry as Node, r);
  return out;
}

/** A copy of `definition` with every field the schema allows set (seeded: the same seed, the same definition). */
export function fillEveryField(
  definition: unknown,
  schema: SchemaNode,
  seed: number,
): Record<string, unknown> {
  return fill(structuredClone(definition), schema, rng(seed)) as Record<string, unknown>;
}

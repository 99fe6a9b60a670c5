/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document: values that match a schema, and values
 * that break it one way at a time. Covers what the API's zod schemas emit (objects, arrays, strings with patterns
 * and lengths, numbers with bounds, enums, consts, anyOf/oneOf, `$ref` into `components.schemas`, nullable types).
 */
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
};

/** Resolves `$ref: '#/components/schemas/X'` against the document. */
export function resolver(doc: { components?: { schemas?: Record<string, JsonSchema> } }) {
  return function resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let hops = 0; s.$ref && hops < 10; hops++) {
      const name = s.$ref.replace('#/components/schemas/', '');
      s = doc.components?.schemas?.[name] ?? {};
    }
    return s;
  };
}

const typesOf = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** Short human text, Chinese included, for free strings. */
const text = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...'abcXYZ019 -_.李四投诉供暖不达标：，。'.split('')), {
      minLength: Math.max(min, 0),
      maxLength: Math.max(Math.min(max, 40), min),
    })
    .map((chars) => chars.join(''));

/** Values that match `schema` (as far as a schema can say; `hints` overrides by property name). */
export function valid(
  schema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
  hints: Record<string, fc.Arbitrary<unknown>> = {},
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, resolve, hints, depth + 1)));
  if (s.allOf) return valid(s.allOf[0]!, resolve, hints, depth + 1);
  const types = typesOf(s);
  const options: Array<fc.Arbitrary<unknown>> = [];
  for (const type of types.length > 0 ? types : ['object']) {
    switch (type) {
      case 'null':
        options.push(fc.constant(null));
        break;
      case 'boolean':
        options.push(fc.boolean());
        break;
      case 'integer':
      case 'number': {
        const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
        const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1000);
        options.push(fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, 1e9)) }));
        break;
      }
      case 'string':
        if (s.pattern) {
          options.push(
            fc
              .stringMatching(new RegExp(s.pattern))
              .filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity)),
          );
        } else if (s.format === 'email') {
          options.push(fc.constantFrom('li.si@example.cn', 'a@b.cn'));
        } else if (s.format === 'date-time') {
          options.push(fc.constantFrom('2026-03-01T09:30:00+08:00', '2025-12-31T16:00:00Z'));
        } else {
          options.push(
            // Padded rather than filtered: schemas trim before counting, and a filter may spin.
            text(s.minLength ?? 0, s.maxLength ?? 40).map((v) =>
              v.trim().length >= (s.minLength ?? 0) ? v : v.trim().padEnd(s.minLength ?? 0, '李'),
            ),
          );
        }
        break;
      case 'array':
        options.push(
          depth > 4
            ? fc.constant([])
            : fc.array(valid(s.items ?? {}, resolve, hints, depth + 1), {
                minLength: s.minItems ?? 0,
                maxLength: Math.min(s.maxItems ?? 3, 3),
              }),
        );
        break;
      case 'object': {
        if (depth > 5) {
          options.push(fc.constant({}));
          break;
        }
        const properties = s.properties ?? {};
        const required = new Set(s.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, property] of Object.entries(properties)) {
          record[name] = hints[name] ?? valid(property, resolve, hints, depth + 1);
        }
        const requiredKeys = Object.keys(record).filter((k) => required.has(k));
        if (Object.keys(properties).length === 0 && s.additionalProperties !== false) {
          options.push(
            fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
          );
        } else {
          options.push(fc.record(record, { requiredKeys }));
        }
        break;
      }
    }
  }
  return options.length === 1 ? options[0]! : fc.oneof(...options);
}

/** One way to break a value of `schema`, or undefined when the schema gives nothing to break. */
export function broken(
  schema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
): fc.Arbitrary<unknown> | undefined {
  const s = resolve(schema);
  const types = typesOf(s);
  const wrongType = fc.constantFrom<unknown>(12345, true, [1, 2], { nested: { x: 1 } }, null, 'text');
  const breaks: Array<fc.Arbitrary<unknown>> = [];
  if (types.includes('string')) {
    if (s.maxLength !== undefined) breaks.push(fc.constant('长'.repeat(s.maxLength + 1)));
    if (s.pattern) breaks.push(fc.constantFrom('has space!', '../etc', '<script>', 'x'.repeat(300)));
    if (s.enum) breaks.push(fc.constant('not-one-of-them'));
    breaks.push(fc.constantFrom<unknown>(12345, false, ['a']));
  }
  if (types.includes('integer') || types.includes('number')) {
    if (s.minimum !== undefined) breaks.push(fc.constant(s.minimum - 1));
    if (s.maximum !== undefined) breaks.push(fc.constant(s.maximum + 1));
    breaks.push(fc.constantFrom<unknown>('seven', 1.5, null));
  }
  if (types.includes('array') && s.maxItems !== undefined) {
    breaks.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => ({ name: '代表' }))));
  }
  if (types.includes('object') || (types.length === 0 && s.properties)) {
    const required = s.required ?? [];
    const properties = Object.keys(s.properties ?? {});
    if (required.length > 0) {
      breaks.push(
        fc
          .tuple(valid(s, resolve), fc.constantFrom(...required))
          .map(([v, drop]) => Object.fromEntries(Object.entries(v as object).filter(([k]) => k !== drop))),
      );
    }
    if (s.additionalProperties === false) {
      breaks.push(valid(s, resolve).map((v) => ({ ...(v as object), unexpectedField: 'x' })));
    }
    for (const name of properties) {
      const inner = broken(s.properties![name]!, resolve);
      if (inner)
        breaks.push(
          fc.tuple(valid(s, resolve), inner).map(([v, bad]) => ({ ...(v as object), [name]: bad })),
        );
    }
    breaks.push(wrongType.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)));
  }
  return breaks.length === 0 ? undefined : fc.oneof(...breaks);
}

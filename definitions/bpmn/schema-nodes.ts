import { definitionJsonSchema } from '../language/json-schema';

/**
 * The definition language's JSON Schema (as authored: defaults present), walked to map any property of the language
 * onto BPMN without a table per field: it says which values are lists, records or numbers, and which are defaults
 * (left out of the XML). Generated from the zod schema, so a field added there is known here at once.
 */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  const?: unknown;
  default?: unknown;
  $ref?: string;
}

type RootNode = SchemaNode & { definitions?: Record<string, SchemaNode>; $defs?: Record<string, SchemaNode> };
let root: RootNode | undefined;

/** The schema of a whole definition. */
export function definitionNode(): SchemaNode {
  root ??= definitionJsonSchema() as RootNode;
  return root;
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  definitionNode();
  let current = node;
  for (let hops = 0; current?.$ref !== undefined && hops < 16; hops++) {
    const match = /^#\/(definitions|\$defs)\/(.+)$/.exec(current.$ref);
    current = match
      ? root?.[match[1] as 'definitions' | '$defs']?.[decodeURIComponent(match[2]!)]
      : undefined;
  }
  return current;
}

function typeMatches(node: SchemaNode, value: unknown): boolean {
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (types.length === 0) return true;
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value;
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/**
 * The schema that describes `value` where `node` is expected: a union is narrowed to the member whose constant
 * properties (the discriminator: `type`, `kind`) the value has.
 */
export function narrow(node: SchemaNode | undefined, value: unknown): SchemaNode | undefined {
  const resolved = resolve(node);
  const options = resolved?.oneOf ?? resolved?.anyOf;
  if (!options) return resolved;
  const members = options.map(resolve).filter((o): o is SchemaNode => o !== undefined);
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  return (
    members.find(
      (m) =>
        typeMatches(m, value) &&
        Object.entries(m.properties ?? {}).every(
          ([key, p]) => resolve(p)?.const === undefined || record?.[key] === resolve(p)?.const,
        ),
    ) ?? members.find((m) => typeMatches(m, value))
  );
}

/** The schema of property `key` of an object described by `node` (a record's entries share one). */
export function propertyNode(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  const resolved = resolve(node);
  const declared = resolved?.properties?.[key];
  if (declared) return resolve(declared);
  return typeof resolved?.additionalProperties === 'object'
    ? resolve(resolved.additionalProperties)
    : undefined;
}

/** The schema of a list's items, or of a record's values. */
export function itemNode(node: SchemaNode | undefined): SchemaNode | undefined {
  const resolved = resolve(node);
  if (resolved?.items) return resolve(resolved.items);
  return typeof resolved?.additionalProperties === 'object'
    ? resolve(resolved.additionalProperties)
    : undefined;
}

/** Whether `node` describes a list. */
export function isList(node: SchemaNode | undefined): boolean {
  const resolved = resolve(node);
  return resolved?.type === 'array' || resolved?.items !== undefined;
}

/** Whether the items of the list `node` are numbers. */
export function isNumberList(node: SchemaNode | undefined): boolean {
  const item = itemNode(node);
  return item?.type === 'integer' || item?.type === 'number';
}

/** The value the language fills in when `key` is left out, if it has one. */
export function defaultOf(node: SchemaNode | undefined): { value: unknown } | undefined {
  const resolved = resolve(node);
  return resolved && 'default' in resolved ? { value: resolved.default } : undefined;
}

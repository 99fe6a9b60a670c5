/** The definition language: schema, parser, hash, validator. Sandbox-safe (no Node builtins, no I/O). */
export * from './schema';
export {
  parseDefinition,
  parseDefinitionValue,
  sourceLocator,
  type DefinitionFormat,
  type ParseResult,
  type SourceLocator,
  type SourcePosition,
} from './parse';
export { canonicalJson, hashDefinition } from './hash';
export { validateDefinition, validateSource, type SourceValidation } from './validate';
export { formatPath, isError, parsePath, type Issue, type PathSegment, type Rule } from './issue';
export { rules } from './rules';
export { definitionJsonSchema } from './json-schema';
export {
  DEADLINE_PLACEHOLDERS,
  PETITION_PLACEHOLDERS,
  SCALAR_PLACEHOLDERS,
  placeholdersOf,
  renderTemplate,
  type Placeholder,
} from './templates';
